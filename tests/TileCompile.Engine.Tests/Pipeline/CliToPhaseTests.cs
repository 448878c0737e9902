using System.Text.Json;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

/// <summary><c>--to-phase N</c> stops a run after phase N; a resume continues it to the same result as one go.</summary>
public class CliToPhaseTests : IClassFixture<CrashFixture>
{
    private readonly CrashFixture _fx;
    public CliToPhaseTests(CrashFixture fx) => _fx = fx;

    [Fact]
    public void ARunStoppedAfterAPhaseAsAskedEndsCancelledAndAResumeFinishesItIdentically()
    {
        var root = Path.Combine(_fx.Root, "to-phase");
        var run = Path.Combine(root, "night");
        var (code, stdout, stderr) = CliProcess.Run(_fx.Root, null, "run", "--input-dir", _fx.InputDir, "--config", _fx.ConfigPath,
            "--runs-dir", root, "--run-id", "night", "--to-phase", "TILE_GRID", "--json");
        Assert.True(code == 0, stdout + stderr);
        var summary = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal("cancelled", summary.GetProperty("status").GetString());
        Assert.Equal(5, summary.GetProperty("stopped_after").GetInt32());
        var events = EventLogReader.ReadAll(Path.Combine(run, "logs", "run_events.jsonl"));
        Assert.Equal(5, events.Where(e => e.Type == "phase_end").Max(e => e.Phase));
        Assert.Contains("stopped after phase 5 TILE_GRID, as asked", events[^1].String("error"));
        Assert.Equal(RunStatusKind.Cancelled, RunStatusReader.Read(run).Status);
        Assert.False(File.Exists(Path.Combine(run, "outputs", "stacked.fit")));

        (code, stdout, stderr) = CliProcess.Run(_fx.Root, null, "resume", run, "--json");
        Assert.True(code == 0, stdout + stderr);
        var resumed = EventLogReader.ReadAll(Path.Combine(run, "logs", "run_events.jsonl")).Where(e => e.Attempt == 2 && e.Type == "phase_end" && e.Status == "ok");
        Assert.Equal(6, resumed.Min(e => e.Phase));
        Assert.Equal(_fx.Expected, File.ReadAllBytes(Path.Combine(run, "outputs", "stacked.fit")));
    }

    [Fact]
    public void AnUnknownPhaseForToPhaseIsRefusedListingThePhases()
    {
        var (code, stdout, _) = CliProcess.Run(_fx.Root, null, "run", "--input-dir", _fx.InputDir, "--runs-dir", Path.Combine(_fx.Root, "to-bad"),
            "--to-phase", "42", "--json");
        Assert.Equal(1, code);
        var error = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement.GetProperty("error");
        Assert.Equal("InvalidPhase", error.GetProperty("id").GetString());
        Assert.Contains("STACKING", error.GetProperty("message").GetString());
        Assert.False(Directory.Exists(Path.Combine(_fx.Root, "to-bad")) && Directory.EnumerateFileSystemEntries(Path.Combine(_fx.Root, "to-bad")).Any());
    }
}
