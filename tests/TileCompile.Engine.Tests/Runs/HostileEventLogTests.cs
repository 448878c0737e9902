using TileCompile.Engine.Runs;

namespace TileCompile.Engine.Tests.Runs;

/// <summary>Damaged or hostile event logs: readers stay within bounded memory and followers end.</summary>
public class HostileEventLogTests
{
    [Fact]
    public void AHugeLineIsSkippedWithoutBeingHeldInMemory()
    {
        using var fx = new RunFixture();
        var run = fx.Start();
        var log = new RunPaths(run.RunDir).Events;
        var events = RunFixture.Log(run.RunDir).Count;
        var lines = File.ReadAllLines(log);
        using (var w = new StreamWriter(log, append: false))
        {
            w.Write(string.Join("\n", lines[..^1]) + "\n");
            var junk = new string('x', 1 << 20);
            for (var i = 0; i < 64; i++) w.Write(junk); // one 64 MiB line
            w.Write("\n" + lines[^1] + "\n");
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = EventLogReader.ReadAll(log);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(events, read.Count);
        Assert.True(allocated < 32L << 20, $"reading the log allocated {allocated >> 20} MiB");
        Assert.Equal(RunStatusKind.Completed, RunStatusReader.Read(run.RunDir).Status);
    }

    [Fact]
    public async Task FollowingARunThatDiedEnds()
    {
        using var fx = new RunFixture();
        var run = fx.Start();
        var paths = new RunPaths(run.RunDir);
        // The process died: no run_end, nobody holds the lock.
        var lines = File.ReadAllLines(paths.Events);
        File.WriteAllLines(paths.Events, lines[..^1]);

        var seen = 0;
        var follow = Task.Run(async () =>
        {
            await foreach (var _ in EventLogReader.FollowRun(paths, pollMilliseconds: 50)) seen++;
        });
        // Generous: under a loaded test run the poll timers fire late; a follower that never ends still fails.
        await follow.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(lines.Length - 1, seen);
    }

    [Fact]
    public void AnEmptyLockLeftBehindIsTakenOverWithinASecond()
    {
        using var fx = new RunFixture();
        var run = fx.Start();
        var lockPath = new RunPaths(run.RunDir).Lock;
        File.WriteAllBytes(lockPath, Array.Empty<byte>());
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (RunLock.Acquire(lockPath, "test")) { }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"waited {clock.Elapsed.TotalSeconds:0.0} s for an empty lock");
    }
}
