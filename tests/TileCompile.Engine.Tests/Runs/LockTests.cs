using System.Diagnostics;
using System.Text.Json;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Tests.Support;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.Runs;

public class LockTests
{
    [Fact]
    public void ASecondHolderIsToldTheRunIsBusy()
    {
        using var dir = new TempDirectory();
        var path = dir.File("run.lock");
        using var first = RunLock.Acquire(path, "run");
        var e = Assert.Throws<RunBusyException>(() => RunLock.Acquire(path, "resume"));
        Assert.Contains($"pid {Environment.ProcessId}", e.Message);
        Assert.Contains(Environment.MachineName, e.Message);
        Assert.Contains("run is busy", e.Message);
        Assert.Equal(first.Holder.Token, e.Holder.Token);
    }

    [Fact]
    public void FencingNeverMistakesOurOwnHeartbeatForATakeover()
    {
        using var dir = new TempDirectory();
        // This lock beats every millisecond; every other lock keeps the normal period.
        using var held = RunLock.Acquire(dir.File("run.lock"), "run", TimeSpan.FromMilliseconds(1));
        var until = DateTime.UtcNow.AddSeconds(2);
        while (DateTime.UtcNow < until) held.EnsureHeld();
    }

    [Fact]
    public void ALockLeftByADeadProcessIsTakenOver()
    {
        using var dir = new TempDirectory();
        var path = dir.File("run.lock");
        using (var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!) p.WaitForExit();
        var dead = new LockHolder { Token = "old", Pid = 999999, Host = Environment.MachineName, Acquired = DateTime.UtcNow.AddMinutes(-3), Heartbeat = DateTime.UtcNow, Command = "run" };
        File.WriteAllText(path, JsonSerializer.Serialize(dead));
        using var taken = RunLock.Acquire(path, "resume");
        Assert.Equal("old", taken.TakenOverFrom!.Token);
        Assert.Empty(Directory.GetFiles(dir.Path, "run.lock.stale-*"));
    }

    [Fact]
    public void ALockFromAnotherHostIsRespectedUntilItsHeartbeatIsStale()
    {
        using var dir = new TempDirectory();
        var path = dir.File("run.lock");
        var fresh = new LockHolder { Token = "far", Pid = 1, Host = "other-host", Acquired = DateTime.UtcNow, Heartbeat = DateTime.UtcNow, Command = "run" };
        File.WriteAllText(path, JsonSerializer.Serialize(fresh));
        Assert.Throws<RunBusyException>(() => RunLock.Acquire(path, "resume"));
        File.WriteAllText(path, JsonSerializer.Serialize(fresh with { Heartbeat = DateTime.UtcNow - RunLock.Lease - TimeSpan.FromSeconds(5) }));
        using var taken = RunLock.Acquire(path, "resume");
        Assert.Equal("far", taken.TakenOverFrom!.Token);
    }

    [Fact]
    public void ResumingARunWithAStaleLockLogsAWarning()
    {
        using var fx = new RunFixture();
        var first = fx.Start();
        var paths = new RunPaths(first.RunDir);
        File.WriteAllText(paths.Lock, JsonSerializer.Serialize(new LockHolder { Token = "gone", Pid = 999999, Host = Environment.MachineName, Acquired = DateTime.UtcNow, Heartbeat = DateTime.UtcNow, Command = "run" }));
        Assert.Equal(RunStatusKind.Completed, RunStatusReader.Read(first.RunDir).Status);
        fx.NewProcess();
        Assert.Equal("ok", fx.Resume(first.RunDir, "10").Status);
        var warning = RunFixture.Log(first.RunDir).Single(e => e.Type == "warning" && e.String("code") == "stale_lock_taken_over");
        Assert.Contains("pid 999999", warning.Message);
        Assert.False(File.Exists(paths.Lock));
    }

    [Fact]
    public async Task ConcurrentResumesLetExactlyOneProceed()
    {
        using var fx = new RunFixture();
        var first = fx.Start();
        using var gate = new ManualResetEventSlim();
        fx.NewProcess();
        fx.Phase(PhaseId.Stacking).Before = _ => gate.Wait(TimeSpan.FromSeconds(20));
        var holder = Task.Run(() => fx.Resume(first.RunDir, "10"));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!File.Exists(new RunPaths(first.RunDir).Lock) && DateTime.UtcNow < deadline) Thread.Sleep(10);
        Thread.Sleep(50);
        Assert.Equal(RunStatusKind.Running, RunStatusReader.Read(first.RunDir).Status);
        var other = new PipelineRunner(FakePipeline.Create());
        var e = Assert.Throws<TileRunException>(() => other.Resume(new ResumeRequest { RunDir = first.RunDir, FromPhase = "10" }));
        Assert.Equal(RunErrorIds.RunBusy, e.ErrorId);
        Assert.Contains("run is busy", e.Message);
        gate.Set();
        Assert.Equal("ok", (await holder).Status);
    }
}
