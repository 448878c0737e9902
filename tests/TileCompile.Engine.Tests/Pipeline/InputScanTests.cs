using TileCompile.Engine.Fits;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.Pipeline;

public class InputScanTests
{
    private static string Frame(string dir, string name, int width = 64, int height = 48, string? instrument = null, double exposure = 10, string? bayer = null,
        string? imageType = null)
    {
        var header = new FitsHeader();
        if (imageType is not null) header.Set("IMAGETYP", imageType, "frame type");
        header.Set("EXPTIME", exposure, "s");
        if (instrument is not null) header.Set("INSTRUME", instrument, "camera");
        if (bayer is not null) header.Set("BAYERPAT", bayer, "CFA");
        var path = Path.Combine(dir, name);
        FitsWriter.WriteUInt16(path, new ushort[width * height], width, height, header: header);
        return path;
    }

    [Fact]
    public void FramesOfAnotherCameraAreExcludedNamingBothCameras()
    {
        using var dir = new TempDirectory();
        var files = new List<string>();
        for (var i = 0; i < 3; i++) files.Add(Frame(dir.Path, $"a{i}.fit", instrument: "Seestar S50"));
        files.Add(Frame(dir.Path, "b0.fit", instrument: "ZWO ASI585MC"));
        files.Add(Frame(dir.Path, "c0.fit"));
        var scan = InputScanner.Scan(files, 5);
        Assert.Equal(4, scan.Frames.Count);
        var excluded = Assert.Single(scan.Excluded);
        Assert.EndsWith("b0.fit", excluded.Path);
        Assert.Contains("INSTRUME = 'ZWO ASI585MC'", excluded.Reason);
        Assert.Contains("'Seestar S50'", excluded.Reason);
    }

    [Fact]
    public void DifferentSizesAndColourLayoutsAreExcludedWithTheirGeometry()
    {
        using var dir = new TempDirectory();
        var files = new List<string>();
        for (var i = 0; i < 3; i++) files.Add(Frame(dir.Path, $"a{i}.fit", bayer: "RGGB"));
        files.Add(Frame(dir.Path, "big.fit", width: 96, bayer: "RGGB"));
        files.Add(Frame(dir.Path, "mono.fit"));
        files.Add(Frame(dir.Path, "long.fit", exposure: 30, bayer: "RGGB"));
        var scan = InputScanner.Scan(files, 5);
        Assert.Equal(3, scan.Frames.Count);
        var reasons = scan.Excluded.ToDictionary(e => Path.GetFileName(e.Path), e => e.Reason);
        Assert.Contains("96x48 RGGB", reasons["big.fit"]);
        Assert.Contains("64x48 RGGB", reasons["big.fit"]);
        Assert.Contains("MONO", reasons["mono.fit"]);
        Assert.Contains("EXPTIME = 30", reasons["long.fit"]);
    }

    [Fact]
    public void NonFitsFilesAreExcludedOneWarningEachAndTheRunGoesOn()
    {
        using var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "frames");
        SampleSkyGenerator.Generate(new SampleSkyOptions { Width = 192, Height = 160, Frames = 4, Seed = 5, StarDensity = 40, BadFrame = false, SatelliteTrail = false }, input);
        File.WriteAllText(Path.Combine(input, "notes.fits"), "not an image");
        File.WriteAllBytes(Path.Combine(input, "empty.fit"), Array.Empty<byte>());
        var config = Path.Combine(dir.Path, "c.yaml");
        File.WriteAllText(config, "assumptions:\n  frames_min: 2\n  frames_reduced_threshold: 100\n");
        var result = StandardPhases.Runner().Start(new StartRequest { InputDir = input, ConfigPath = config, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "r" });
        Assert.True(result.Status == "ok", result.Error);
        var warnings = EventLogReader.ReadAll(Path.Combine(result.RunDir, "logs", "run_events.jsonl"))
            .Where(e => e.Type == "warning" && e.String("code") == "frame_excluded").Select(e => e.String("message")).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w!.StartsWith("notes.fits excluded:") && w.Contains("not a FITS file"));
        Assert.Contains(warnings, w => w!.StartsWith("empty.fit excluded:"));
    }

    [Fact]
    public void AFolderWithoutFramesOrWithOneFrameIsRefusedSayingWhy()
    {
        using var dir = new TempDirectory();
        var empty = Path.Combine(dir.Path, "empty");
        Directory.CreateDirectory(empty);
        var runner = StandardPhases.Runner();
        var none = Assert.Throws<TileRunException>(() => runner.Start(new StartRequest { InputDir = empty, RunsRoot = Path.Combine(dir.Path, "runs") }));
        Assert.Equal(RunErrorIds.InputNotFound, none.ErrorId);
        Assert.Contains("no files matching", none.Message);
        Assert.Contains(empty, none.Message);

        var single = Path.Combine(dir.Path, "single");
        Directory.CreateDirectory(single);
        Frame(single, "only.fit");
        var result = runner.Start(new StartRequest { InputDir = single, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "one" });
        Assert.Equal("error", result.Status);
        Assert.Contains("only 1 usable frame(s) of 1: at least 2 are needed", result.Error);
    }

    [Fact]
    public void Calibration_frames_in_the_lights_folder_are_not_lights_and_say_what_they_are()
    {
        using var dir = new TempDirectory();
        var files = new List<string>
        {
            Frame(dir.Path, "l0.fit", imageType: "Light Frame"), Frame(dir.Path, "l1.fit", imageType: "LIGHT"), Frame(dir.Path, "l2.fit"),
            Frame(dir.Path, "d0.fit", imageType: "Dark Frame"), Frame(dir.Path, "f0.fit", imageType: "Flat Field"), Frame(dir.Path, "b0.fit", imageType: "Offset"),
        };
        var scan = InputScanner.Scan(files, 5);
        Assert.Equal(new[] { "l0.fit", "l1.fit", "l2.fit" }, scan.Frames.Select(f => Path.GetFileName(f.Path)));
        var reasons = scan.Excluded.ToDictionary(e => Path.GetFileName(e.Path), e => e.Reason);
        Assert.Equal(3, reasons.Count);
        Assert.Contains("IMAGETYP = 'Dark Frame': a dark frame, not a light", reasons["d0.fit"]);
        Assert.Contains("it calibrates the lights unless a darks folder", reasons["d0.fit"]);
        Assert.Equal("dark", scan.Excluded.Single(e => Path.GetFileName(e.Path) == "d0.fit").CalibrationKind);
        Assert.Contains("a flat frame", reasons["f0.fit"]);
        Assert.Contains("a bias frame", reasons["b0.fit"]);
    }
}
