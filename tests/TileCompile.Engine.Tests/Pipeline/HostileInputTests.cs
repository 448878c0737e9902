using System.Diagnostics;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.Pipeline;

/// <summary>Input folders with pipes, broken links, link loops, folders and hostile patterns: named, left out, never a hang.</summary>
public class HostileInputTests
{
    private static string Frames(TempDirectory dir)
    {
        var input = Path.Combine(dir.Path, "frames");
        SampleSkyGenerator.Generate(new SampleSkyOptions { Width = 192, Height = 160, Frames = 4, Seed = 5, StarDensity = 40, BadFrame = false, SatelliteTrail = false }, input);
        return input;
    }

    private static string Config(TempDirectory dir, string extra = "")
    {
        var config = Path.Combine(dir.Path, "c.yaml");
        File.WriteAllText(config, "assumptions:\n  frames_min: 2\n  frames_reduced_threshold: 100\n" + extra);
        return config;
    }

    [Fact]
    public async Task PipesLinksToNothingLinkLoopsAndFoldersAreExcludedOneWarningEach()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDirectory();
        var input = Frames(dir);
        Process.Start("mkfifo", Path.Combine(input, "x.fit")).WaitForExit();
        File.CreateSymbolicLink(Path.Combine(input, "dangling.fit"), "/nonexistent/frame.fit");
        File.CreateSymbolicLink(Path.Combine(input, "loop1.fit"), "loop2.fit");
        File.CreateSymbolicLink(Path.Combine(input, "loop2.fit"), "loop1.fit");
        Directory.CreateDirectory(Path.Combine(input, "folder.fit"));
        var config = Config(dir);

        var run = Task.Run(() => StandardPhases.Runner().Start(new StartRequest { InputDir = input, ConfigPath = config, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "r" }));
        var result = await run.WaitAsync(TimeSpan.FromSeconds(90));
        Assert.True(result.Status == "ok", result.Error);
        var warnings = EventLogReader.ReadAll(Path.Combine(result.RunDir, "logs", "run_events.jsonl"))
            .Where(e => e.Type == "warning" && e.String("code") == "frame_excluded").Select(e => e.String("message")!).ToList();
        Assert.Contains(warnings, w => w.StartsWith("x.fit excluded: is a named pipe", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("dangling.fit excluded: is a symbolic link to '/nonexistent/frame.fit', which does not exist", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("loop1.fit excluded: is a loop of symbolic links", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("loop2.fit excluded: is a loop of symbolic links", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("folder.fit excluded: is a folder", StringComparison.Ordinal));
        Assert.Equal(4, RunStatusReader.Read(result.RunDir).FramesUsed);

        // The folder is part of the input as it was found: a resume does not call it a changed input.
        var resumed = StandardPhases.Runner().Resume(new ResumeRequest { RunDir = result.RunDir, FromPhase = "0" });
        Assert.True(resumed.Status == "ok", resumed.Error);
    }

    [Theory]
    [InlineData("../../../../../../etc/*.conf")]
    [InlineData("/etc/*.conf")]
    [InlineData("sub/*.fit")]
    public void APatternThatLeavesTheInputFolderIsAConfigError(string pattern)
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<TileCompile.Engine.Config.ConfigValidationException>(() =>
            TileCompile.Engine.Config.TileConfig.Parse($"input:\n  pattern: '{pattern}'\n", "p.yaml"));
        var issue = Assert.Single(e.Issues);
        Assert.Equal("input.pattern", issue.Key);
        Assert.Equal(2, issue.Line);
        Assert.Contains("file-name pattern", issue.Message);
        // Even past the configuration, the scan refuses it rather than reading elsewhere.
        Assert.Throws<ArgumentException>(() => InputScanner.FindFrames(dir.Path, pattern));
    }

    [Fact]
    public async Task TwoStartsWithTheSameRunIdGiveOneRunWithItsOwnConfigAndAClearErrorForTheOther()
    {
        using var dir = new TempDirectory();
        var input = Frames(dir);
        var runs = Path.Combine(dir.Path, "runs");
        for (var trial = 0; trial < 6; trial++)
        {
            var id = "same" + trial;
            var configs = new[] { Config(dir, "stacking:\n  method: average\n"), Path.Combine(dir.Path, $"b{trial}.yaml") };
            File.WriteAllText(configs[1], "assumptions:\n  frames_min: 2\n  frames_reduced_threshold: 100\nstacking:\n  method: rej\n");
            using var gate = new Barrier(2);
            var starts = configs.Select(c => Task.Run(() =>
            {
                gate.SignalAndWait();
                try { return (Config: c, Outcome: (RunOutcome?)StandardPhases.Runner().Start(new StartRequest { InputDir = input, ConfigPath = c, RunsRoot = runs, RunId = id }), Error: (TileRunException?)null); }
                catch (TileRunException e) { return (Config: c, Outcome: (RunOutcome?)null, Error: e); }
            })).ToArray();
            var results = await Task.WhenAll(starts).WaitAsync(TimeSpan.FromSeconds(120));
            var winner = Assert.Single(results, r => r.Outcome is not null);
            var loser = Assert.Single(results, r => r.Error is not null);
            Assert.Equal(RunErrorIds.RunExists, loser.Error!.ErrorId);
            Assert.Contains(id, loser.Error.Message);
            var frozen = File.ReadAllText(Path.Combine(runs, id, "config.yaml"));
            var expected = winner.Config == configs[0] ? "method: 'average'" : "method: 'rej'";
            Assert.Contains(expected, frozen);
        }
        Assert.Empty(Directory.GetDirectories(runs, ".staging-*"));
    }

    [Fact]
    public void AnEightBitFrameSortedFirstDoesNotSpoilASixteenBitSession()
    {
        using var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "frames");
        SampleSkyGenerator.Generate(new SampleSkyOptions { Width = 192, Height = 160, Frames = 5, Seed = 5, StarDensity = 40, BadFrame = false, SatelliteTrail = false }, input);
        var source = Directory.GetFiles(input, "*.fit").OrderBy(f => f, StringComparer.Ordinal).Last();
        float[] pixels;
        int width, height;
        using (var image = TileCompile.Engine.Fits.FitsImage.Open(source)) (pixels, width, height) = (image.ReadPlane(), image.Width, image.Height);
        var bytes = pixels.Select(v => (byte)Math.Clamp(v / 256, 0, 255)).ToArray();
        File.WriteAllBytes(Path.Combine(input, "a_first.fit"), RawFits.Concat(
            RawFits.Header("SIMPLE  =                    T", "BITPIX  =                    8", "NAXIS   =                    2",
                $"NAXIS1  = {width,20}", $"NAXIS2  = {height,20}", "EXPTIME =                 10.0", "END"),
            RawFits.Padded(bytes)));
        var config = Config(dir);

        var result = StandardPhases.Runner().Start(new StartRequest { InputDir = input, ConfigPath = config, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "r" });
        Assert.True(result.Status == "ok", result.Error);
        Assert.True(RunStatusReader.Read(result.RunDir).FramesUsed >= 5);
    }
}
