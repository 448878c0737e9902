using System.Diagnostics;
using TileCompile.Engine.Config;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Config;

/// <summary>Configuration files built to exhaust memory or block: each is refused quickly, with a clear message.</summary>
public class HostileConfigTests
{
    private static ConfigIssue Refused(Func<TileConfig> load, long maxAllocatedBytes = 64L << 20)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<ConfigValidationException>(() => load());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < maxAllocatedBytes, $"allocated {allocated >> 20} MiB");
        return Assert.Single(e.Issues, i => i.Severity == ConfigIssueSeverity.Error);
    }

    [Fact]
    public void AnAliasBombUsedAsAMappingKeyIsRefusedAtTheAlias()
    {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x]\n";
        for (var c = 'b'; c <= 'i'; c++)
            yaml += $"{c}: &{c} [" + string.Join(", ", Enumerable.Repeat("*" + (char)(c - 1), 9)) + "]\n";
        yaml += "? *i\n: 1\n";
        Assert.True(yaml.Length < 400);
        var issue = Refused(() => TileConfig.Parse(yaml, "bomb.yaml"));
        Assert.Equal(2, issue.Line);
        Assert.Contains("*a", issue.Message);
        Assert.Contains("alias", issue.Message);
    }

    [Fact]
    public void AliasesOfPlainValuesStillWork()
    {
        var c = TileConfig.Parse("stacking:\n  sigma_clip:\n    sigma_low: &s 2.5\n    sigma_high: *s\n", "ok.yaml");
        Assert.Equal(2.5, c.Get(ConfigKeys.Stacking.SigmaLow));
        Assert.Equal(2.5, c.Get(ConfigKeys.Stacking.SigmaHigh));
    }

    [Fact]
    public void ADeviceIsRefusedWithoutReadingIt()
    {
        if (!File.Exists("/dev/zero")) return;
        var issue = Refused(() => TileConfig.Load("/dev/zero"));
        Assert.Contains("character device", issue.Message);
    }

    [Fact]
    public async Task ANamedPipeIsRefusedWithoutOpeningIt()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDirectory();
        var fifo = dir.File("x.yaml");
        Process.Start("mkfifo", fifo).WaitForExit();
        var load = Task.Run(() => Assert.Throws<ConfigValidationException>(() => TileConfig.Load(fifo)));
        var e = await load.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Contains("named pipe", e.Issues[0].Message);
    }

    [Fact]
    public void AFolderIsRefusedAsAFolder()
    {
        using var dir = new TempDirectory();
        Assert.Contains("is a folder", Refused(() => TileConfig.Load(dir.Path)).Message);
    }

    [Fact]
    public void AnOversizedFileIsRefusedBeforeItIsParsed()
    {
        using var dir = new TempDirectory();
        var path = dir.File("huge.yaml");
        File.WriteAllText(path, "stacking:\n" + new string('#', TileConfig.MaxFileBytes + 10) + "\n");
        Assert.Contains("larger than", Refused(() => TileConfig.Load(path)).Message);
    }

    [Fact]
    public void MillionsOfKeysAreRefusedAsTooManyNodes()
    {
        var yaml = "stacking:\n" + string.Concat(Enumerable.Range(0, 40_000).Select(i => $"  k{i}: 1\n"));
        Assert.Contains("more than", Refused(() => TileConfig.Parse(yaml, "keys.yaml")).Message);
    }

    [Fact]
    public void UnknownKeysAreListedUpToALimitAndThenCounted()
    {
        var yaml = "stacking:\n" + string.Concat(Enumerable.Range(0, 80).Select(i => $"  k{i}: 1\n"));
        var c = TileConfig.Parse(yaml, "many.yaml");
        Assert.Equal(TileConfig.MaxListedWarnings + 1, c.Warnings.Count);
        Assert.Contains("30 more unknown keys", c.Warnings[^1].Message);
    }

    [Fact]
    public void ATabInTheIndentationIsReportedWhereItIs()
    {
        var e = Assert.Throws<ConfigValidationException>(() => TileConfig.Parse("stacking:\n  method: rej\n\tsigma_clip: 1\n", "tab.yaml"));
        var issue = Assert.Single(e.Issues);
        Assert.Equal(3, issue.Line);
        Assert.Equal(1, issue.Column);
        Assert.Contains("tab", issue.Message);
    }
}
