using System.Text.Json;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Pipeline.Phases;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.Pipeline;

/// <summary>Several folders (nights) of one target make one run, registered to one reference.</summary>
public class SeveralNightsTests
{
    private static (string Night1, string Night2) Nights(TempDirectory dir, bool distinctNames = true)
    {
        var night1 = Path.Combine(dir.Path, "2026-11-30");
        var night2 = Path.Combine(dir.Path, "2026-12-01");
        // One sky: eight frames of one session, the second half moved to the second night's folder.
        SampleSkyGenerator.Generate(new SampleSkyOptions { Width = 192, Height = 160, Frames = 8, Seed = 5, StarDensity = 40, BadFrame = false, SatelliteTrail = false }, night1);
        Directory.CreateDirectory(night2);
        var second = Directory.GetFiles(night1, "light_*.fit").OrderBy(f => f, StringComparer.Ordinal).Skip(4).ToList();
        for (var i = 0; i < second.Count; i++)
            File.Move(second[i], Path.Combine(night2, distinctNames ? "n2_" + Path.GetFileName(second[i]) : $"light_{i + 1:D4}.fit"));
        return (night1, night2);
    }

    private static string Config(TempDirectory dir)
    {
        var config = Path.Combine(dir.Path, "c.yaml");
        File.WriteAllText(config, "assumptions:\n  frames_min: 2\n  frames_reduced_threshold: 100\n");
        return config;
    }

    [Fact]
    public void TwoNightsAreOneRunWithEveryFrameRegisteredToOneReference()
    {
        using var dir = new TempDirectory();
        var (night1, night2) = Nights(dir);
        var result = StandardPhases.Runner().Start(new StartRequest
        {
            InputDir = night1, MoreInputDirs = new[] { night2 }, ConfigPath = Config(dir), RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "m94",
        });
        Assert.True(result.Status == "ok", result.Error);
        var info = RunInfo.Load(new RunPaths(result.RunDir).RunJson);
        Assert.Equal(new[] { night1, night2 }, info.InputDirs);
        Assert.Equal(8, info.Frames.Count);
        Assert.Equal(4, info.Frames.Count(f => Path.GetDirectoryName(f.Path) == night2));
        var start = EventLogReader.ReadAll(new RunPaths(result.RunDir).Events)[0];
        Assert.Equal(2, start.Fields["input_dirs"]!.AsArray().Count);

        var report = JsonSerializer.Deserialize<RegistrationReport>(File.ReadAllText(Path.Combine(result.RunDir, RegistrationPhase.ReportJson)),
            TileCompile.Engine.Pipeline.PhaseContext.JsonFormat)!;
        Assert.Equal(8, report.Frames.Count);
        Assert.Contains(report.Frames, f => f.Frame.StartsWith("n2_", StringComparison.Ordinal) && f.Status == "ok");
        Assert.Equal(8, RunStatusReader.Read(result.RunDir).FramesUsed);
    }

    [Fact]
    public void FramesWithTheSameNameInTwoNightsAreRefusedBeforeAnythingIsWritten()
    {
        using var dir = new TempDirectory();
        var (night1, night2) = Nights(dir, distinctNames: false);
        var runs = Path.Combine(dir.Path, "runs");
        var e = Assert.Throws<TileRunException>(() => StandardPhases.Runner().Start(new StartRequest
        {
            InputDir = night1, MoreInputDirs = new[] { night2 }, ConfigPath = Config(dir), RunsRoot = runs,
        }));
        Assert.Contains("light_0001.fit", e.Message);
        Assert.Contains(night1, e.Message);
        Assert.Contains(night2, e.Message);
        Assert.False(Directory.Exists(runs) && Directory.EnumerateFileSystemEntries(runs).Any());
    }

    [Fact]
    public void ASeestarTargetFolderIsStackedFromItsSubsFolderAndItsOwnStacksAreLeftAlone()
    {
        using var dir = new TempDirectory();
        // The telescope's layout: "M 94" holds its own stacked image, the subs are in "M 94_sub". Spaces included.
        var target = Path.Combine(dir.Path, "MyWorks", "M 94");
        var subs = Path.Combine(target, "M 94_sub");
        SampleSkyGenerator.Generate(new SampleSkyOptions { Width = 192, Height = 160, Frames = 4, Seed = 5, StarDensity = 40, BadFrame = false, SatelliteTrail = false }, subs);
        var i = 0;
        foreach (var f in Directory.GetFiles(subs, "light_*.fit").OrderBy(f => f, StringComparer.Ordinal))
            File.Move(f, Path.Combine(subs, $"Light_M 94_10.0s_IRCUT_20250326-2120{i++:D2}.fit"));
        File.Copy(Directory.GetFiles(subs, "*.fit")[0], Path.Combine(target, "Stacked_4_M 94_10.0s_IRCUT_20250326-213000.fit"));

        var result = StandardPhases.Runner().Start(new StartRequest { InputDir = target, ConfigPath = Config(dir), RunsRoot = Path.Combine(dir.Path, "runs") });
        Assert.True(result.Status == "ok", result.Error);
        var info = RunInfo.Load(new RunPaths(result.RunDir).RunJson);
        Assert.Equal(subs, info.InputDir);
        Assert.Equal(4, info.Frames.Count);
        Assert.All(info.Frames, f => Assert.StartsWith("Light_M 94", Path.GetFileName(f.Path)));
    }
}
