using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.Pipeline;

/// <summary>In reduced mode the phases the mode leaves out carry the same reason in the dry run and in the run.</summary>
public class ReducedModeResumeTests
{
    [Theory]
    [InlineData("7")]
    [InlineData(null)]
    public void SkippedPhasesEightAndNineGiveTheSameReasonInThePlanAndInTheRun(string? fromPhase)
    {
        using var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "frames");
        SampleSkyGenerator.Generate(new SampleSkyOptions { Width = 192, Height = 160, Frames = 4, Seed = 5, StarDensity = 40, BadFrame = false, SatelliteTrail = false }, input);
        var config = Path.Combine(dir.Path, "c.yaml");
        File.WriteAllText(config, "assumptions:\n  frames_min: 2\n  frames_reduced_threshold: 100\n");
        var run = StandardPhases.Runner().Start(new StartRequest { InputDir = input, ConfigPath = config, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "r" });
        Assert.True(run.Status == "ok", run.Error);
        if (fromPhase is null)
        {
            // Something for the automatic plan to do: the stacking result is gone.
            File.Delete(run.Output!);
        }

        var request = new ResumeRequest { RunDir = run.RunDir, FromPhase = fromPhase };
        var plan = StandardPhases.Runner().PlanResume(request);
        var resumed = StandardPhases.Runner().Resume(request);
        Assert.True(resumed.Status == "ok", resumed.Error);
        var ended = EventLogReader.ReadAll(new RunPaths(run.RunDir).Events).Where(e => e.Attempt == 2 && e.Type == "phase_end").ToList();
        foreach (var phase in new[] { PhaseId.StateClustering, PhaseId.SyntheticFrames })
        {
            var planned = plan.Phases.Single(p => p.Phase == phase);
            Assert.Equal(PhaseAction.Skip, planned.Action);
            Assert.Equal("reduced_mode", planned.Reason);
            var end = ended.Single(e => e.Phase == (int)phase);
            Assert.Equal("skipped", end.Status);
            Assert.Equal(planned.Reason, end.String("reason"));
        }
    }
}
