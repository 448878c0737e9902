using System.Diagnostics;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

/// <summary>Ctrl+C (SIGINT) and SIGTERM end a command-line run as Cancelled, written down, unlocked and resumable.</summary>
public class CliSignalTests : IClassFixture<CrashFixture>
{
    private readonly CrashFixture _fx;
    public CliSignalTests(CrashFixture fx) => _fx = fx;

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task ASignalEndsTheRunCancelledWithinTwoSecondsAndAResumeFinishesItIdentically(string signal)
    {
        if (OperatingSystem.IsWindows()) return;
        var root = Path.Combine(_fx.Root, "signal-" + signal);
        var runDir = Path.Combine(root, "night");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { CliProcess.CliDll, "run", "--input-dir", _fx.InputDir, "--config", _fx.ConfigPath, "--runs-dir", root, "--run-id", "night" })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();

        var log = Path.Combine(runDir, "logs", "run_events.jsonl");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(File.Exists(log) && EventLogReader.ReadAll(log).Any(e => e.Type == "frame_processed")))
        {
            Assert.True(DateTime.UtcNow < deadline, "the run never started registering");
            Assert.False(process.HasExited, "the run ended before it could be signalled");
            await Task.Delay(10);
        }
        var signalled = Stopwatch.StartNew();
        Process.Start("kill", new[] { "-" + signal, process.Id.ToString() })!.WaitForExit();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(signalled.Elapsed < TimeSpan.FromSeconds(2), $"the run took {signalled.Elapsed.TotalSeconds:0.0} s to stop");
        Assert.Equal(1, process.ExitCode);

        var events = EventLogReader.ReadAll(log);
        Assert.Equal("run_end", events[^1].Type);
        Assert.Equal("cancelled", events[^1].String("status"));
        Assert.False(File.Exists(Path.Combine(runDir, "run.lock")), "the lock was left behind");
        Assert.Equal(RunStatusKind.Cancelled, RunStatusReader.Read(runDir).Status);
        Assert.Contains("resume --run-dir", await stderr);
        _ = await stdout;

        var (code, output, error) = CliProcess.Run(_fx.Root, null, "resume", "--run-dir", runDir);
        Assert.True(code == 0, output + error);
        Assert.Equal(_fx.Expected, File.ReadAllBytes(Path.Combine(runDir, "outputs", "stacked.fit")));
    }
}
