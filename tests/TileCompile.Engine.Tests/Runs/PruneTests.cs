using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.Runs;

public class PruneTests
{
    [Fact]
    public void PruningKeepsOutputsLogsAndManifestsAndResumeSaysWhereToStart()
    {
        using var fx = new RunFixture();
        var first = fx.Start();
        var stacked = File.ReadAllBytes(first.Output!);
        var before = RunMaintenance.SizeOnDisk(first.RunDir);
        var freed = RunMaintenance.PruneIntermediates(first.RunDir);
        Assert.True(freed > 0);
        Assert.Equal(before - freed, RunMaintenance.SizeOnDisk(first.RunDir));
        Assert.False(Directory.Exists(Path.Combine(first.RunDir, "work")));
        Assert.True(File.Exists(first.Output));
        Assert.True(File.Exists(Path.Combine(first.RunDir, "logs", "run_events.jsonl")));
        Assert.Equal("pruned", PhaseManifest.Load(new RunPaths(first.RunDir).Manifest(1))!.Status);
        Assert.Equal("complete", PhaseManifest.Load(new RunPaths(first.RunDir).Manifest(10))!.Status);

        var e = Assert.Throws<TileRunException>(() => fx.Resume(first.RunDir, "10"));
        Assert.Contains("pruned", e.Message);
        Assert.Contains("resume from phase 0", e.Message);

        fx.NewProcess();
        var plan = fx.Runner.PlanResume(new ResumeRequest { RunDir = first.RunDir });
        Assert.Equal(("pruned", PhaseId.ScanInput), (plan.Phases.First(p => p.Action != PhaseAction.Skip).Reason, plan.FirstToRun!.Value));
        Assert.Equal("ok", fx.Resume(first.RunDir).Status);
        Assert.Equal(stacked, File.ReadAllBytes(first.Output!));
    }

    [Fact]
    public void ARunningRunIsNeitherPrunedNorDeleted()
    {
        using var fx = new RunFixture();
        var first = fx.Start();
        using var held = RunLock.Acquire(new RunPaths(first.RunDir).Lock, "test");
        Assert.Equal(RunErrorIds.RunBusy, Assert.Throws<TileRunException>(() => RunMaintenance.PruneIntermediates(first.RunDir)).ErrorId);
        Assert.Equal(RunErrorIds.RunBusy, Assert.Throws<TileRunException>(() => RunMaintenance.Delete(first.RunDir)).ErrorId);
        Assert.True(Directory.Exists(Path.Combine(first.RunDir, "work")));
    }

    [Fact]
    public void DeleteRemovesTheRunCompletely()
    {
        using var fx = new RunFixture();
        var first = fx.Start();
        RunMaintenance.Delete(first.RunDir);
        Assert.False(Directory.Exists(first.RunDir));
        Assert.Empty(RunCatalog.List(fx.RunsRoot));
    }
}
