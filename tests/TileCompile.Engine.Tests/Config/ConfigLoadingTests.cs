using TileCompile.Engine.Config;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Config;

public class ConfigLoadingTests
{
    [Fact]
    public void EmptyFileGivesTheDocumentedDefaults()
    {
        var c = TileConfig.Parse("", "empty.yaml");
        Assert.Equal(TileConfig.Default.Hash, c.Hash);
        Assert.Equal(0.4, c.Get(ConfigKeys.GlobalMetrics.WeightBackground));
        Assert.Equal(24.0, c.Get(ConfigKeys.Tile.SizeFactor));
        Assert.Equal(48, c.Get(ConfigKeys.Tile.MinSize));
        Assert.Equal(0.3, c.Get(ConfigKeys.Tile.OverlapFraction));
        Assert.Equal(new IntRange(5, 30), c.Get(ConfigKeys.Synthetic.ClusterCountRange));
        Assert.Equal(3.0, c.Get(ConfigKeys.Stacking.SigmaLow));
        Assert.Equal(0.4, c.Get(ConfigKeys.Stacking.MinFraction));
        Assert.Equal(30, c.Get(ConfigKeys.Assumptions.FramesMin));
        Assert.Equal(120, c.Get(ConfigKeys.Assumptions.FramesReducedThreshold));
    }

    [Fact]
    public void ValuesFromTheFileOverrideDefaults()
    {
        var c = TileConfig.Parse("""
            stacking:
              method: average
              sigma_clip:
                sigma_low: 2.5
            synthetic:
              clustering:
                cluster_count_range: [3, 12]
            global_metrics:
              clamp: [-1.5, 1.5]
            registration:
              allow_rotation: no
            """);
        Assert.Equal("average", c.Get(ConfigKeys.Stacking.Method));
        Assert.Equal(2.5, c.Get(ConfigKeys.Stacking.SigmaLow));
        Assert.Equal(4.0, c.Get(ConfigKeys.Stacking.SigmaHigh));
        Assert.Equal(new IntRange(3, 12), c.Get(ConfigKeys.Synthetic.ClusterCountRange));
        Assert.Equal(new DoubleRange(-1.5, 1.5), c.Get(ConfigKeys.GlobalMetrics.Clamp));
        Assert.False(c.Get(ConfigKeys.Registration.AllowRotation));
        Assert.NotEqual(TileConfig.Default.Hash, c.Hash);
    }

    [Fact]
    public void OutOfRangeValueNamesFileLineKeyAndRange()
    {
        var e = Assert.Throws<ConfigValidationException>(() => TileConfig.Parse("""
            tile:
              overlap_fraction: 0.8
            """, "my.yaml"));
        var issue = Assert.Single(e.Issues);
        Assert.Equal(("my.yaml", 2, 21, "tile.overlap_fraction"), (issue.Source, issue.Line, issue.Column, issue.Key));
        Assert.Contains("my.yaml:2:21", e.Message);
        Assert.Contains("tile.overlap_fraction", e.Message);
        Assert.Contains("between 0 and 0.5", e.Message);
    }

    [Fact]
    public void EveryErrorIsReportedAtOnce()
    {
        var e = Assert.Throws<ConfigValidationException>(() => TileConfig.Parse("""
            stacking:
              method: median
              sigma_clip:
                max_iters: three
            tile:
              min_size: 8
            synthetic:
              clustering:
                cluster_count_range: 5
            """));
        Assert.Equal(4, e.Issues.Count(i => i.Severity == ConfigIssueSeverity.Error));
        Assert.Contains(e.Issues, i => i.Key == "stacking.method" && i.Message.Contains("rej, average") && i.Line == 2);
        Assert.Contains(e.Issues, i => i.Key == "stacking.sigma_clip.max_iters" && i.Message.Contains("integer"));
        Assert.Contains(e.Issues, i => i.Key == "tile.min_size" && i.Message.Contains("between 16"));
        Assert.Contains(e.Issues, i => i.Key == "synthetic.clustering.cluster_count_range" && i.Message.Contains("[low, high]"));
    }

    [Fact]
    public void WeightsThatDoNotSumToOneAreRejected()
    {
        var e = Assert.Throws<ConfigValidationException>(() => TileConfig.Parse("""
            global_metrics:
              weights:
                background: 0.5
            """));
        var issue = Assert.Single(e.Issues);
        Assert.Equal("global_metrics.weights", issue.Key);
        Assert.Contains("sum to 1", issue.Message);
        Assert.Equal(2, issue.Line);
    }

    [Fact]
    public void ReducedThresholdBelowFramesMinIsRejected()
    {
        var e = Assert.Throws<ConfigValidationException>(() => TileConfig.Parse("assumptions:\n  frames_min: 50\n  frames_reduced_threshold: 40\n"));
        Assert.Contains(e.Issues, i => i.Key == "assumptions.frames_reduced_threshold" && i.Message.Contains("frames_min (50)"));
    }

    [Fact]
    public void UnknownKeysAreWarningsWithLocationAndSuggestion()
    {
        var c = TileConfig.Parse("""
            bge:
              enabled: true
            stacking:
              sigma_low: 2.0
            """, "c.yaml");
        Assert.Equal(2, c.Warnings.Count);
        Assert.Contains(c.Warnings, w => w.Key == "bge" && w.Line == 1);
        var w = c.Warnings.Single(x => x.Key == "stacking.sigma_low");
        Assert.Equal(4, w.Line);
        Assert.Contains("stacking.sigma_clip.sigma_low", w.Message);
        Assert.Equal(TileConfig.Default.Hash, c.Hash);
    }

    [Fact]
    public void YamlSyntaxErrorsGiveTheLine()
    {
        var e = Assert.Throws<ConfigValidationException>(() => TileConfig.Parse("stacking:\n  method: [rej\n  other: 1\n", "s.yaml"));
        var issue = Assert.Single(e.Issues);
        Assert.Contains("YAML syntax error", issue.Message);
        Assert.True(issue.Line >= 2);
        Assert.StartsWith("invalid configuration: s.yaml:", e.Message);
    }

    [Fact]
    public void DuplicateKeysAndScalarSectionsAreErrors()
    {
        var e = Assert.Throws<ConfigValidationException>(() => TileConfig.Parse("tile: 5\n"));
        Assert.Contains("is a section", Assert.Single(e.Issues).Message);
        var d = Assert.Throws<ConfigValidationException>(() => TileConfig.Parse("tile:\n  min_size: 64\n  min_size: 64\n"));
        Assert.Contains(d.Issues, i => i.Message.Contains("twice") || i.Message.Contains("Duplicate"));
    }

    [Fact]
    public void MissingFileIsAClearError()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<ConfigValidationException>(() => TileConfig.Load(dir.File("nope.yaml")));
        Assert.Contains("does not exist", e.Message);
        Assert.Contains("nope.yaml", e.Message);
    }
}
