using System.Text.Json;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

/// <summary><c>tile-compile verify</c> finds same-size damage to a stacked result, and a resume repairs it bit for bit.</summary>
public class CliVerifyTests : IClassFixture<CrashFixture>
{
    private readonly CrashFixture _fx;
    public CliVerifyTests(CrashFixture fx) => _fx = fx;

    [Fact]
    public void VerifyReportsADamagedOutputAndAResumeRestoresIt()
    {
        var root = Path.Combine(_fx.Root, "verify");
        var (code, stdout, stderr) = _fx.Start(root, null);
        Assert.True(code == 0, stdout + stderr);
        var run = Path.Combine(root, "night");
        (code, stdout, _) = CliProcess.Run(_fx.Root, null, "verify", run);
        Assert.Equal(0, code);
        Assert.Contains("intact", stdout);

        var output = Path.Combine(run, "outputs", "stacked.fit");
        var bytes = File.ReadAllBytes(output);
        bytes[^100] ^= 0x01;
        File.WriteAllBytes(output, bytes);

        (code, stdout, _) = CliProcess.Run(_fx.Root, null, "verify", run, "--json");
        Assert.Equal(1, code);
        var report = JsonDocument.Parse(stdout).RootElement;
        Assert.False(report.GetProperty("intact").GetBoolean());
        Assert.Equal(10, report.GetProperty("first_damaged_phase").GetInt32());
        var stacking = report.GetProperty("phases").EnumerateArray().Single(p => p.GetProperty("phase").GetInt32() == 10);
        Assert.Equal("corrupt", stacking.GetProperty("status").GetString());
        Assert.Contains(stacking.GetProperty("problems").EnumerateArray(), p => p.GetProperty("path").GetString() == "outputs/stacked.fit");

        (code, stdout, _) = CliProcess.Run(_fx.Root, null, "verify", run);
        Assert.Contains("A resume runs phase 10 STACKING again", stdout);
        (code, stdout, stderr) = CliProcess.Run(_fx.Root, null, "resume", "--run-dir", run);
        Assert.True(code == 0, stdout + stderr);
        Assert.Equal(_fx.Expected, File.ReadAllBytes(output));
        Assert.Equal(0, CliProcess.Run(_fx.Root, null, "verify", run).ExitCode);
    }
}
