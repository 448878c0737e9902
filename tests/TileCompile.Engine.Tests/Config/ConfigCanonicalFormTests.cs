using TileCompile.Engine.Config;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Config;

public class ConfigCanonicalFormTests
{
    [Fact]
    public void CanonicalYamlParsesBackToTheSameConfig()
    {
        var c = TileConfig.Parse("stacking:\n  sigma_clip:\n    sigma_high: 3\ntile:\n  star_min_count: 8\nrun_dir: /data/runs\n");
        var again = TileConfig.Parse(c.CanonicalYaml);
        Assert.Equal(c.CanonicalYaml, again.CanonicalYaml);
        Assert.Equal(c.Hash, again.Hash);
        Assert.Empty(again.Warnings);
    }

    [Fact]
    public void HashIgnoresFormattingOrderAndComments()
    {
        var a = TileConfig.Parse("tile:\n  min_size: 64\n  overlap_fraction: 0.25\nstacking:\n  method: rej\n");
        var b = TileConfig.Parse("# comment\nstacking: {method: REJ}\ntile:\n  overlap_fraction: 2.5e-1\n  min_size: 64   # trailing\n");
        Assert.Equal(a.Hash, b.Hash);
        Assert.Equal(64, a.Get(ConfigKeys.Tile.MinSize));
        Assert.Matches("^[0-9a-f]{64}$", a.Hash);
    }

    [Fact]
    public void HashIsStableAcrossReleasesForTheDefaults()
    {
        // The canonical form feeds run fingerprints; changing it invalidates users' resumable runs.
        Assert.Contains("stacking:\n  cluster_quality_weighting:\n    cap_ratio: 20.0\n", TileConfig.Default.CanonicalYaml);
        Assert.Contains("\nrun_dir: ''\n", TileConfig.Default.CanonicalYaml);
    }

    [Fact]
    public void SubsetHashChangesOnlyWithItsKeys()
    {
        var stackingKeys = new ConfigKey[] { ConfigKeys.Stacking.SigmaLow, ConfigKeys.Stacking.SigmaHigh, ConfigKeys.RuntimeLimits.ParallelWorkers };
        var baseline = TileConfig.Default;
        var tileChanged = baseline.With(ConfigKeys.Tile.MinSize, 96);
        var stackChanged = baseline.With(ConfigKeys.Stacking.SigmaLow, 2.2);
        var threadsChanged = baseline.With(ConfigKeys.RuntimeLimits.ParallelWorkers, 7);
        Assert.Equal(baseline.HashOf(stackingKeys), tileChanged.HashOf(stackingKeys));
        Assert.NotEqual(baseline.HashOf(stackingKeys), stackChanged.HashOf(stackingKeys));
        Assert.Equal(baseline.HashOf(stackingKeys), threadsChanged.HashOf(stackingKeys));
        var diff = Assert.Single(baseline.Differences(stackChanged));
        Assert.Equal(("stacking.sigma_clip.sigma_low", "3.0", "2.2"), (diff.Key.Path, diff.Old, diff.New));
    }

    [Fact]
    public void DefaultYamlDocumentsEveryKeyAndParsesToTheDefaults()
    {
        var text = ConfigSchema.DefaultYaml();
        foreach (var key in ConfigSchema.Keys) Assert.Contains("# " + key.Description, text);
        var parsed = TileConfig.Parse(text);
        Assert.Equal(TileConfig.Default.Hash, parsed.Hash);
        Assert.Empty(parsed.Warnings);
    }

    [Fact]
    public void ShippedDefaultConfigMatchesTheSchema()
    {
        var shipped = Path.Combine(RepoPaths.Root, "module", "tile_compile.yaml");
        Assert.True(File.Exists(shipped), $"{shipped} is missing; regenerate it with 'dotnet run --project src/TileCompile.Cli -- config default > module/tile_compile.yaml'");
        Assert.Equal(ConfigSchema.DefaultYaml(), File.ReadAllText(shipped));
    }

    [Fact]
    public void ConfigReferenceDocMatchesTheSchema()
    {
        var doc = Path.Combine(RepoPaths.Root, "docs", "config.md");
        Assert.True(File.Exists(doc), $"{doc} is missing; regenerate it with 'dotnet run --project src/TileCompile.Cli -- config reference > docs/config.md'");
        Assert.Equal(ConfigSchema.MarkdownReference(), File.ReadAllText(doc));
        foreach (var key in ConfigSchema.Keys) Assert.Contains("`" + key.Path + "`", File.ReadAllText(doc));
    }
}
