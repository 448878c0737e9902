using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;

namespace TileCompile.Engine.Tests.Runs;

public class CancellationTests
{
    [Fact]
    public void CancellingEndsThePhaseAndTheRunAsCancelledAndItResumes()
    {
        using var fx = new RunFixture();
        using var cts = new CancellationTokenSource();
        fx.Phase(PhaseId.LocalMetrics).Before = _ =>
        {
            cts.Cancel();
            cts.Token.ThrowIfCancellationRequested();
        };
        var outcome = fx.Runner.Start(new StartRequest { InputDir = fx.InputDir, ConfigPath = fx.ConfigPath, RunsRoot = fx.RunsRoot }, cts.Token);
        Assert.Equal("cancelled", outcome.Status);
        var events = RunFixture.Log(outcome.RunDir);
        Assert.Equal("cancelled", events.Single(e => e.Type == "phase_end" && e.Phase == 6).Status);
        Assert.Equal("cancelled", events[^1].Status);
        Assert.False((bool)events[^1].Fields["success"]!);
        Assert.Equal(RunStatusKind.Cancelled, RunStatusReader.Read(outcome.RunDir).Status);
        Assert.False(File.Exists(new RunPaths(outcome.RunDir).Lock));
        Assert.Empty(Directory.GetFiles(outcome.RunDir, "*.partial-*", SearchOption.AllDirectories));

        fx.NewProcess();
        var resumed = fx.Resume(outcome.RunDir);
        Assert.Equal("ok", resumed.Status);
        Assert.Equal(0, fx.Phase(PhaseId.TileGrid).Runs);
        Assert.Equal(1, fx.Phase(PhaseId.LocalMetrics).Runs);
    }

    [Fact]
    public void ACancelRequestFileStopsTheRun()
    {
        using var fx = new RunFixture();
        fx.Phase(PhaseId.TileGrid).Before = ctx =>
        {
            File.WriteAllText(ctx.Paths.CancelRequest, "stop");
            var until = DateTime.UtcNow.AddSeconds(10);
            while (!ctx.CancellationToken.IsCancellationRequested && DateTime.UtcNow < until) Thread.Sleep(20);
            ctx.CancellationToken.ThrowIfCancellationRequested();
        };
        var outcome = fx.Start();
        Assert.Equal("cancelled", outcome.Status);
        Assert.False(File.Exists(new RunPaths(outcome.RunDir).CancelRequest));
    }
}
