using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.Runs;

/// <summary>Transient faults run the phase again with backoff; other faults fail at once; repeated failures stop automatic retries.</summary>
public class PhaseRetryTests
{
    private const string Quick = "runtime_limits:\n  retry_backoff_ms: 1\n";

    [Fact]
    public void ATransientFaultRunsThePhaseAgainAndTheRunSucceeds()
    {
        using var fx = new RunFixture(extraConfig: Quick);
        var faults = 2;
        fx.Phase(PhaseId.TileGrid).Before = _ => { if (faults-- > 0) throw new IOException("the share is busy"); };
        var run = fx.Start();
        Assert.Equal("ok", run.Status);
        Assert.Equal(3, fx.Phase(PhaseId.TileGrid).Runs);
        var retries = RunFixture.Log(run.RunDir).Where(e => e.String("code") == "io_retry").ToList();
        Assert.Equal(new[] { 1L, 2L }, retries.Select(e => (long)e.Number("attempt")!));
        Assert.All(retries, e => Assert.Contains("the share is busy", e.Message));
    }

    [Fact]
    public void AFaultThatOutlastsTheRetriesFailsThePhaseSayingHowOftenItTried()
    {
        using var fx = new RunFixture(extraConfig: Quick);
        fx.Phase(PhaseId.TileGrid).Before = _ => throw new TimeoutException("the disk did not answer");
        var run = fx.Start();
        Assert.Equal("error", run.Status);
        Assert.Equal(3, fx.Phase(PhaseId.TileGrid).Runs);
        var end = RunFixture.Log(run.RunDir).Single(e => e.Type == "phase_end" && e.Status == "error");
        Assert.Equal(3, (int)end.Fields["tries"]!);
        Assert.Equal(1, RunStatusReader.Read(run.RunDir).Phases.Single(p => p.Phase == (int)PhaseId.TileGrid).Failures);
    }

    [Fact]
    public void AComputeFaultIsNeverRetried()
    {
        using var fx = new RunFixture(extraConfig: Quick);
        fx.Phase(PhaseId.TileGrid).Before = _ => throw new InvalidDataException("seeing could not be measured");
        var run = fx.Start();
        Assert.Equal("error", run.Status);
        Assert.Equal(1, fx.Phase(PhaseId.TileGrid).Runs);
        Assert.DoesNotContain(RunFixture.Log(run.RunDir), e => e.String("code") == "io_retry");
    }

    [Fact]
    public void APhaseThatKeepsFailingStopsBeingRetriedAutomaticallyButAnExplicitResumeStillRunsIt()
    {
        using var fx = new RunFixture(extraConfig: Quick + "  max_phase_failures: 3\n");
        var broken = true;
        void Arm() => fx.Phase(PhaseId.TileGrid).Before = _ => { if (broken) throw new InvalidDataException("seeing could not be measured"); };
        Arm();
        RunOutcome Auto() => fx.Runner.Start(new StartRequest { InputDir = fx.InputDir, ConfigPath = fx.ConfigPath, RunsRoot = fx.RunsRoot, ResumeIfPossible = true });

        var first = Auto();
        for (var i = 0; i < 2; i++)
        {
            fx.NewProcess();
            Arm();
            Assert.Equal(first.RunDir, Auto().RunDir);
        }
        var snapshot = RunStatusReader.Read(first.RunDir);
        Assert.Equal(3, snapshot.Phases.Single(p => p.Phase == (int)PhaseId.TileGrid).Failures);
        Assert.Contains("phase 5 TILE_GRID failed 3 times", snapshot.RetryBlocked);
        Assert.Contains("seeing could not be measured", snapshot.RetryBlocked);

        fx.NewProcess();
        Arm();
        var refused = Assert.Throws<TileRunException>(() => Auto());
        Assert.Equal(RunErrorIds.RetryLimit, refused.ErrorId);
        Assert.Contains("not retried automatically", refused.Message);

        broken = false;
        fx.NewProcess();
        Arm();
        Assert.Equal("ok", fx.Resume(first.RunDir).Status);
        Assert.Null(RunStatusReader.Read(first.RunDir).RetryBlocked);
    }
}
