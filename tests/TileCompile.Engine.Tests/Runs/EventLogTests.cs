using System.Text;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Tests.Support;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.Runs;

public class EventLogTests
{
    [Fact]
    public void ARunWritesTheContractedEventsInOrder()
    {
        using var fx = new RunFixture();
        var outcome = fx.Start();
        var events = RunFixture.Log(outcome.RunDir);
        Assert.Equal("run_start", events[0].Type);
        Assert.Equal("run_end", events[^1].Type);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.All(events, e => Assert.Equal(outcome.RunId, e.RunId));
        Assert.All(events, e => Assert.Equal(1, e.Attempt));
        Assert.All(events, e => Assert.Equal(1, (int)e.Fields["schema"]!));
        Assert.All(events, e => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", (string)e.Fields["ts"]!));

        var start = events[0];
        Assert.Equal(fx.InputDir, start.String("input_dir"));
        Assert.Equal(4, start.Number("frames"));
        Assert.NotNull(start.String("config_hash"));
        Assert.NotNull(start.String("engine_version"));
        Assert.NotNull(start.String("host"));

        var ends = events.Where(e => e.Type == "phase_end").ToList();
        Assert.Equal(Enumerable.Range(0, 11), ends.Select(e => e.Phase!.Value));
        Assert.All(ends, e => Assert.Equal("ok", e.Status));
        Assert.All(ends, e => Assert.NotNull(e.Number("duration_s")));
        Assert.Equal(PhaseNames.All.Select(PhaseNames.Of), ends.Select(e => e.PhaseName));
        Assert.Equal(4, events.Count(e => e.Type == "frame_processed" && e.Phase == 1));

        var end = events[^1];
        Assert.True((bool)end.Fields["success"]!);
        Assert.Equal("ok", end.Status);
        Assert.Equal(outcome.Output, end.String("output"));
        Assert.EndsWith("\n", File.ReadAllText(new RunPaths(outcome.RunDir).Events));
    }

    [Fact]
    public void ATornLastLineIsIgnoredByReadersAndRepairedByTheNextWriter()
    {
        using var dir = new TempDirectory();
        var log = dir.File("run_events.jsonl");
        using (var w = EventLogWriter.Open(log, "r1", 1))
        {
            w.Append("run_start");
            w.Append("phase_start");
        }
        File.AppendAllText(log, "{\"type\":\"phase_end\",\"run_id\":\"r1\",\"se");
        var read = EventLogReader.ReadAll(log);
        Assert.Equal(2, read.Count);

        using (var w = EventLogWriter.Open(log, "r1", 2))
        {
            Assert.NotNull(w.RepairedTornLineAt);
            Assert.Equal(2, w.LastSequence);
            w.Append("run_resume");
        }
        var after = EventLogReader.ReadAll(log);
        Assert.Equal(new[] { 1L, 2L, 3L }, after.Select(e => e.Sequence));
        Assert.Equal("run_resume", after[^1].Type);
        Assert.Contains("\"se\n", File.ReadAllText(log));
    }

    [Fact]
    public void TruncatingTheLogAnywhereNeverBreaksStatus()
    {
        using var fx = new RunFixture();
        var outcome = fx.Start();
        var paths = new RunPaths(outcome.RunDir);
        var bytes = File.ReadAllBytes(paths.Events);
        var lastLines = Encoding.UTF8.GetString(bytes).TrimEnd('\n').Split('\n').TakeLast(3).Sum(l => l.Length + 1);
        for (var cut = bytes.Length - lastLines; cut < bytes.Length; cut += 7)
        {
            File.WriteAllBytes(paths.Events, bytes[..cut]);
            var snapshot = RunStatusReader.Read(paths.Root);
            Assert.Equal(cut >= bytes.Length - 1 ? RunStatusKind.Completed : RunStatusKind.Failed, snapshot.Status);
            Assert.Equal(cut < bytes.Length - 1, snapshot.Interrupted);
        }
        File.WriteAllBytes(paths.Events, bytes);
        Assert.Equal(RunStatusKind.Completed, RunStatusReader.Read(paths.Root).Status);
    }

    [Fact]
    public async Task FollowStreamsNewEventsUntilTheRunEnds()
    {
        using var dir = new TempDirectory();
        var log = dir.File("run_events.jsonl");
        using var w = EventLogWriter.Open(log, "r1", 1);
        w.Append("run_start");
        var seen = new List<string>();
        var follow = Task.Run(async () =>
        {
            await foreach (var e in EventLogReader.Follow(log, last => last?.Type == "run_end", pollMilliseconds: 20)) seen.Add(e.Type);
        });
        await Task.Delay(100);
        w.Append("phase_start");
        w.Append("run_end");
        await follow.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new[] { "run_start", "phase_start", "run_end" }, seen);
    }
}
