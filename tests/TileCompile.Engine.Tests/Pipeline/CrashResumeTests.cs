using System.Text.Json;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Runs;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

/// <summary>One session, a reference run without faults, shared by the crash tests.</summary>
public sealed class CrashFixture : IDisposable
{
    private readonly TempDirectory _dir = new();

    public CrashFixture()
    {
        InputDir = Path.Combine(_dir.Path, "frames");
        SampleSkyGenerator.Generate(new SampleSkyOptions { Width = 256, Height = 192, Frames = 12, Seed = 31, StarDensity = 35 }, InputDir);
        ConfigPath = Path.Combine(_dir.Path, "config.yaml");
        File.WriteAllText(ConfigPath, "assumptions:\n  frames_min: 2\n  frames_reduced_threshold: 8\nsynthetic:\n  clustering:\n    cluster_count_range: [3, 4]\n");
        var (code, stdout, stderr) = Start(Path.Combine(_dir.Path, "reference"), fault: null);
        if (code != 0) throw new InvalidOperationException($"reference run failed: {stdout}\n{stderr}");
        Expected = File.ReadAllBytes(Path.Combine(_dir.Path, "reference", "night", "outputs", "stacked.fit"));
    }

    public string InputDir { get; }
    public string ConfigPath { get; }
    public byte[] Expected { get; }
    public string Root => _dir.Path;

    public (int Code, string Stdout, string Stderr) Start(string runsRoot, string? fault) =>
        CliProcess.Run(_dir.Path, fault is null ? null : new Dictionary<string, string> { ["TILECOMPILE_FAULT"] = fault },
            "run", "--input-dir", InputDir, "--config", ConfigPath, "--runs-dir", runsRoot, "--run-id", "night", "--json");

    public void Dispose() => _dir.Dispose();
}

public class CrashResumeTests : IClassFixture<CrashFixture>
{
    private readonly CrashFixture _fx;
    public CrashResumeTests(CrashFixture fx) => _fx = fx;

    public static TheoryData<string> KillPoints()
    {
        var data = new TheoryData<string>();
        for (var p = 0; p <= 9; p++) data.Add($"phase{p}:end");
        data.Add("phase1:frame3");
        data.Add("phase3:frame3");
        data.Add("phase4:frame3");
        data.Add("phase6:frame3");
        data.Add("phase4:start");
        data.Add("phase7:before_manifest");
        data.Add("manifest10:before_rename");
        data.Add("phase10:before_manifest");
        data.Add("phase10:after_manifest");
        return data;
    }

    [Theory]
    [MemberData(nameof(KillPoints))]
    public void KilledRunsResumeToABitIdenticalResult(string point)
    {
        var root = Path.Combine(_fx.Root, "kill-" + point.Replace(':', '-'));
        var runDir = Path.Combine(root, "night");
        var (code, stdout, _) = _fx.Start(root, point);
        Assert.NotEqual(0, code);
        Assert.DoesNotContain("run_end", stdout);
        Assert.True(RunStatusReader.Read(runDir).Interrupted);

        var (resumeCode, resumeOut, resumeErr) = CliProcess.Run(_fx.Root, null, "resume", "--run-dir", runDir, "--json");
        Assert.True(resumeCode == 0, $"{resumeOut}\n{resumeErr}");
        Assert.Equal(_fx.Expected, File.ReadAllBytes(Path.Combine(runDir, "outputs", "stacked.fit")));
        var events = EventLogReader.ReadAll(Path.Combine(runDir, "logs", "run_events.jsonl"));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Contains(events, e => e.String("code") == "stale_lock_taken_over");
        Assert.Empty(Directory.GetFiles(runDir, "*.partial-*", SearchOption.AllDirectories));

        if (point.EndsWith(":frame3", StringComparison.Ordinal))
        {
            // Every per-frame phase resumes mid-phase: only the frames not recorded before the kill are done again.
            var phase = int.Parse(point[5..point.IndexOf(':')], System.Globalization.CultureInfo.InvariantCulture);
            var redone = events.Count(e => e.Attempt == 2 && e.Type == "frame_processed" && e.Phase == phase);
            Assert.InRange(redone, 1, 12 - 1);
        }
        if (point == "phase10:after_manifest")
            Assert.Equal("up_to_date", events.Last(e => e.Type == "phase_end" && e.Phase == 10).String("reason"));
    }
}

public class CliResumeErrorTests : IClassFixture<CrashFixture>
{
    private readonly CrashFixture _fx;
    public CliResumeErrorTests(CrashFixture fx) => _fx = fx;

    private string CompletedRun(string name)
    {
        var root = Path.Combine(_fx.Root, name);
        var (code, stdout, stderr) = _fx.Start(root, null);
        Assert.True(code == 0, stdout + stderr);
        return Path.Combine(root, "night");
    }

    private static JsonElement Error(string stdout) => JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement.GetProperty("error");

    [Fact]
    public void ResumeFromStackingRunsOnlyStackingAndIsIdentical()
    {
        var run = CompletedRun("from10");
        var (code, stdout, _) = CliProcess.Run(_fx.Root, null, "resume", "--run-dir", run, "--from-phase", "10", "--json");
        Assert.Equal(0, code);
        var lines = stdout.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var summary = lines[^1];
        Assert.Equal("summary", summary.GetProperty("type").GetString());
        Assert.True(summary.GetProperty("resumed").GetBoolean());
        Assert.Equal("ok", summary.GetProperty("status").GetString());
        Assert.Equal(run, summary.GetProperty("run_dir").GetString());
        Assert.EndsWith("stacked.fit", summary.GetProperty("output").GetString());
        var skipped = lines.Where(l => l.TryGetProperty("type", out var t) && t.GetString() == "phase_end" && l.GetProperty("status").GetString() == "skipped").ToList();
        Assert.Equal(10, skipped.Count);
        Assert.All(skipped, s => Assert.Equal(10, s.GetProperty("resume_from").GetInt32()));
        Assert.Equal(_fx.Expected, File.ReadAllBytes(Path.Combine(run, "outputs", "stacked.fit")));
    }

    [Fact]
    public void AStackingKeyEditReRunsOnlyStacking()
    {
        var run = CompletedRun("edit");
        var config = Path.Combine(run, "config.yaml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("kappa_cluster: 1.0", "kappa_cluster: 1.5"));
        var (code, stdout, stderr) = CliProcess.Run(_fx.Root, null, "resume", "--run-dir", run, "--json");
        Assert.True(code == 0, stdout + stderr);
        var attempt2 = EventLogReader.ReadAll(Path.Combine(run, "logs", "run_events.jsonl")).Where(e => e.Attempt == 2 && e.Type == "phase_end").ToList();
        Assert.Equal(new[] { 10 }, attempt2.Where(e => e.Status == "ok").Select(e => e.Phase!.Value));
    }

    [Fact]
    public void ErrorsExitWithOneAndAJsonObjectAndChangeNothing()
    {
        var run = CompletedRun("errors");
        var before = RunFixture.TreeHash(run);

        // A finished run with nothing changed: the specification's early success, exit code 0.
        var (code, stdout, _) = CliProcess.Run(_fx.Root, null, "resume", "--run-dir", run, "--json");
        Assert.Equal(0, code);
        var nothing = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal("summary", nothing.GetProperty("type").GetString());
        Assert.Equal("nothing_to_do", nothing.GetProperty("status").GetString());
        Assert.Contains("already completed", nothing.GetProperty("message").GetString());
        (code, stdout, _) = CliProcess.Run(_fx.Root, null, "resume", run);
        Assert.Equal(0, code);
        // The hint names the command this process was started with (here the host and the program's file).
        Assert.Contains("Nothing to do: ", stdout);
        Assert.Contains("TileCompile.Cli.dll resume --run-dir", stdout);
        Assert.Contains("--from-phase N, or --force", stdout);
        Assert.Equal(before, RunFixture.TreeHash(run));

        (code, stdout, _) = CliProcess.Run(_fx.Root, null, "resume", "--run-dir", run, "--from-phase", "42", "--json");
        Assert.Equal(1, code);
        Assert.Equal("InvalidPhase", Error(stdout).GetProperty("id").GetString());

        (code, stdout, _) = CliProcess.Run(_fx.Root, null, "resume", "--run-dir", run + "-missing", "--json");
        Assert.Equal(1, code);
        Assert.Equal("RunNotFound", Error(stdout).GetProperty("id").GetString());
        Assert.Contains("night", Error(stdout).GetProperty("message").GetString());

        var registered = Directory.GetFiles(Path.Combine(run, "outputs", "registered"))[0];
        File.WriteAllBytes(registered, File.ReadAllBytes(registered)[..5000]);
        before = RunFixture.TreeHash(run);
        (code, stdout, _) = CliProcess.Run(_fx.Root, null, "resume", "--run-dir", run, "--from-phase", "STACKING", "--json");
        Assert.Equal(1, code);
        var missing = Error(stdout);
        Assert.Equal("ArtifactsMissing", missing.GetProperty("id").GetString());
        Assert.Contains(Path.GetFileName(registered), missing.GetProperty("message").GetString());
        Assert.Contains("phase 1 REGISTRATION", missing.GetProperty("message").GetString());
        Assert.Equal(before, RunFixture.TreeHash(run));

        File.Delete(Path.Combine(run, "config.yaml"));
        before = RunFixture.TreeHash(run);
        (code, stdout, _) = CliProcess.Run(_fx.Root, null, "resume", "--run-dir", run, "--json");
        Assert.Equal(1, code);
        Assert.Equal("ConfigMissing", Error(stdout).GetProperty("id").GetString());
        Assert.Equal(before, RunFixture.TreeHash(run));
    }

    [Fact]
    public void ABusyRunIsRefusedNamingTheHolder()
    {
        var run = CompletedRun("busy");
        using var held = RunLock.Acquire(Path.Combine(run, "run.lock"), "test holder");
        var (code, stdout, _) = CliProcess.Run(_fx.Root, null, "resume", "--run-dir", run, "--from-phase", "10", "--json");
        Assert.Equal(1, code);
        var error = Error(stdout);
        Assert.Equal("RunBusy", error.GetProperty("id").GetString());
        Assert.Contains($"pid {Environment.ProcessId}", error.GetProperty("message").GetString());
    }

    [Fact]
    public void StatusListAndEventsSpeakJson()
    {
        var run = CompletedRun("status");
        var (code, stdout, _) = CliProcess.Run(_fx.Root, null, "status", run, "--json");
        Assert.Equal(0, code);
        var status = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("Completed", status.GetProperty("status").GetString());
        Assert.Equal(11, status.GetProperty("phases").GetArrayLength());

        (code, stdout, _) = CliProcess.Run(_fx.Root, null, "list", Path.GetDirectoryName(run)!, "--json");
        Assert.Equal(0, code);
        Assert.Equal("night", JsonDocument.Parse(stdout).RootElement[0].GetProperty("run_id").GetString());

        (code, stdout, _) = CliProcess.Run(_fx.Root, null, "events", run, "--json");
        Assert.Equal(0, code);
        var lines = stdout.Trim().Split('\n');
        Assert.Equal("run_start", JsonDocument.Parse(lines[0]).RootElement.GetProperty("type").GetString());
        Assert.Equal("run_end", JsonDocument.Parse(lines[^1]).RootElement.GetProperty("type").GetString());

        // The run folder as a plain argument; with --json even argument errors are one JSON object.
        (code, stdout, _) = CliProcess.Run(_fx.Root, null, "resume", run, "--from-phase", "7", "--dry-run", "--json");
        Assert.Equal(0, code);
        (code, stdout, _) = CliProcess.Run(_fx.Root, null, "list", "--last", "many", "--json");
        Assert.Equal(1, code);
        Assert.Equal("InvalidArgument", JsonDocument.Parse(stdout).RootElement.GetProperty("error").GetProperty("id").GetString());
        Assert.Contains("'many'", JsonDocument.Parse(stdout).RootElement.GetProperty("error").GetProperty("message").GetString());

        (code, stdout, _) = CliProcess.Run(_fx.Root, null, "resume", "--run-dir", run, "--from-phase", "7", "--dry-run", "--json");
        Assert.Equal(0, code);
        var plan = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(7, plan.GetProperty("phases").EnumerateArray().Count(p => p.GetProperty("action").GetString() == "skip"));
    }
}
