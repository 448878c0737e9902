using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

/// <summary>The command line answers hostile arguments with one clear line and exit code 1, never a stack trace.</summary>
public class CliHostileInputTests
{
    [Theory]
    [InlineData("folder", "is a folder, not a configuration file")]
    [InlineData("/dev/zero", "is a character device")]
    public void ConfigCheckOnSomethingThatIsNotAFileSaysWhatItIs(string target, string expected)
    {
        using var dir = new TempDirectory();
        if (target == "folder") target = dir.Path;
        else if (!File.Exists(target)) return;
        var (code, stdout, stderr) = CliProcess.Run(dir.Path, null, "config", "check", target);
        Assert.Equal(1, code);
        Assert.Contains(expected, stdout + stderr);
        Assert.DoesNotContain("   at ", stdout + stderr);
        Assert.DoesNotContain("Exception", stdout + stderr);
    }

    [Fact]
    public void AFullDiskWhileTheRunIsSetUpLeavesNothingBehind()
    {
        using var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "frames");
        TileCompile.Engine.Samples.SampleSkyGenerator.Generate(new TileCompile.Engine.Samples.SampleSkyOptions { Width = 64, Height = 64, Frames = 2 }, input);
        var runs = Path.Combine(dir.Path, "runs");
        var (code, stdout, stderr) = CliProcess.Run(dir.Path, new Dictionary<string, string> { ["TILECOMPILE_FAULT"] = "start:staging:disk_full" },
            "run", "--input-dir", input, "--runs-dir", runs, "--run-id", "full");
        Assert.Equal(1, code);
        Assert.Contains("No space left on device", stdout + stderr);
        Assert.False(Directory.Exists(Path.Combine(runs, "full")));
        Assert.Empty(Directory.GetDirectories(runs, ".staging-*"));
    }
}
