using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Contracts;

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

public class TransientIoRetryTests
{
    [Fact]
    public void TransientIoErrorsAreRetriedWithAWarningEach()
    {
        using var fx = new RunFixture();
        var failures = 2;
        fx.Phase(PhaseId.TileGrid).Before = _ =>
        {
            if (failures-- > 0) throw new IOException("the network share did not answer");
        };
        var outcome = fx.Start();
        Assert.Equal("ok", outcome.Status);
        var retries = RunFixture.Log(outcome.RunDir).Where(e => e.String("code") == "io_retry").ToList();
        Assert.Equal(2, retries.Count);
        Assert.All(retries, r => Assert.Contains("network share", r.Message));
        Assert.Equal(5, retries[0].Phase);
    }

    [Fact]
    public void TooManyTransientErrorsFailThePhaseAndComputeErrorsAreNotRetried()
    {
        using var fx = new RunFixture();
        fx.Phase(PhaseId.TileGrid).Before = _ => throw new IOException("still down");
        var outcome = fx.Start();
        Assert.Equal("error", outcome.Status);
        Assert.Equal(2, RunFixture.Log(outcome.RunDir).Count(e => e.String("code") == "io_retry"));
        Assert.Equal(3, fx.Phase(PhaseId.TileGrid).Runs);

        using var other = new RunFixture();
        other.Phase(PhaseId.TileGrid).Before = _ => throw new InvalidDataException("bad numbers");
        var failed = other.Start();
        Assert.Equal("error", failed.Status);
        Assert.Equal(1, other.Phase(PhaseId.TileGrid).Runs);
        Assert.DoesNotContain(RunFixture.Log(failed.RunDir), e => e.String("code") == "io_retry");
    }
}
