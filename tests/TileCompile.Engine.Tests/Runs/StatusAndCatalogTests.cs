using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.Runs;

public class StatusAndCatalogTests
{
    [Fact]
    public void StatusComesFromTheLogAndTheLock()
    {
        using var fx = new RunFixture();
        var ok = fx.Start();
        var snap = RunStatusReader.Read(ok.RunDir);
        Assert.Equal(RunStatusKind.Completed, snap.Status);
        Assert.Equal(11, snap.CompletedPhases);
        Assert.Equal(ok.Output, snap.OutputPath);
        Assert.All(snap.Phases, p => Assert.Equal("ok", p.Status));
        Assert.False(snap.IsResumable);

        // A crash: the log has no run_end and nobody holds the lock.
        var log = new RunPaths(ok.RunDir).Events;
        var lines = File.ReadAllLines(log);
        File.WriteAllLines(log, lines[..^1]);
        Assert.True(RunStatusReader.Read(ok.RunDir).Interrupted);
        Assert.True(RunStatusReader.Read(ok.RunDir).IsResumable);
    }

    [Fact]
    public void CatalogListsNewestFirstWithFilters()
    {
        using var fx = new RunFixture();
        var a = fx.Start("run-a");
        fx.Phase(PhaseId.Stacking).Before = _ => throw new InvalidOperationException("stack failed");
        var b = fx.Start("run-b");
        fx.NewProcess();
        var c = fx.Start("run-c");

        var all = RunCatalog.List(fx.RunsRoot);
        Assert.Equal(new[] { "run-c", "run-b", "run-a" }, all.Select(r => r.RunId));
        var failed = Assert.Single(RunCatalog.List(fx.RunsRoot, new RunQuery { Status = new[] { RunStatusKind.Failed } }));
        Assert.Equal("run-b", failed.RunId);
        Assert.Equal(10, failed.Phase);
        Assert.Contains("stack failed", failed.Error);
        Assert.Equal(new[] { "run-c" }, RunCatalog.List(fx.RunsRoot, new RunQuery { Newest = 1 }).Select(r => r.RunId));
        Assert.Equal(new[] { "run-a" }, RunCatalog.List(fx.RunsRoot, new RunQuery { IdPattern = "*-a" }).Select(r => r.RunId));
        Assert.Empty(RunCatalog.List(fx.RunsRoot, new RunQuery { Since = DateTimeOffset.UtcNow.AddMinutes(5) }));
        Assert.All(all, r => Assert.True(r.SizeBytes > 0));
        Assert.Equal(4, all[0].FrameCount);
    }

    [Fact]
    public void ARunWhoseSummarySaysRunningButHasNoLiveHolderIsInterrupted()
    {
        using var fx = new RunFixture();
        var ok = fx.Start();
        var paths = new RunPaths(ok.RunDir);
        var info = RunInfo.Load(paths.RunJson);
        info.Summary.Status = "Running";
        info.Save(paths.RunJson);
        Assert.True(RunCatalog.Quick(ok.RunDir)!.Interrupted);
    }
}
