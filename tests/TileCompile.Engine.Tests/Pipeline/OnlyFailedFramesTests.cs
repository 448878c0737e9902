using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

public class OnlyFailedFramesTests
{
    [Fact]
    public void OnlyTheExcludedFramesAreRegisteredAgainAfterASettingsChange()
    {
        using var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "frames");
        SampleSkyGenerator.Generate(new SampleSkyOptions { Width = 256, Height = 192, Frames = 8, Seed = 41, StarDensity = 35, BadFrame = false }, input);
        var config = Path.Combine(dir.Path, "c.yaml");
        File.WriteAllText(config, "assumptions:\n  frames_min: 2\n  frames_reduced_threshold: 100\nregistration:\n  max_rms_px: 0.2\n");
        var first = StandardPhases.Runner().Start(new StartRequest { InputDir = input, ConfigPath = config, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "r" });
        var log = Path.Combine(first.RunDir, "logs", "run_events.jsonl");
        var excluded = EventLogReader.ReadAll(log).Where(e => e.String("code") == "frame_excluded").Select(e => e.String("frame_name")).ToHashSet();
        Assert.InRange(excluded.Count, 1, 7);

        var frozen = Path.Combine(first.RunDir, "config.yaml");
        File.WriteAllText(frozen, File.ReadAllText(frozen).Replace("max_rms_px: 0.2", "max_rms_px: 1.5"));
        var second = StandardPhases.Runner().Resume(new ResumeRequest { RunDir = first.RunDir, FromPhase = "REGISTRATION", OnlyFailedFrames = true });
        Assert.True(second.Status == "ok", second.Error);
        var redone = EventLogReader.ReadAll(log).Where(e => e.Attempt == 2 && e.Type == "frame_processed" && e.Phase == 1).Select(e => e.String("frame_name")).ToHashSet();
        Assert.Equal(excluded, redone);
        Assert.Equal(8, Directory.GetFiles(Path.Combine(first.RunDir, "outputs", "registered")).Length);
    }
}
