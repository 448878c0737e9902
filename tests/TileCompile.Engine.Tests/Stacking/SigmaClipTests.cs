using TileCompile.Engine.Stacking;

namespace TileCompile.Engine.Tests.Stacking;

/// <summary>The combination of one pixel's samples: weights, rejection, the decision of a larger set, fallbacks.</summary>
public class SigmaClipTests
{
    private static readonly SigmaClipOptions Clip = new(3, 3, 3, 0.4, Winsorized: true);

    [Fact]
    public void Without_rejection_the_result_is_the_weighted_mean()
    {
        var values = new[] { 10f, 20f, 40f };
        var weights = new[] { 1f, 2f, 1f };
        var (value, outcome) = SigmaClip.Combine(values, weights, new bool[3], null);
        Assert.Equal((10 + 40 + 40) / 4f, value, 5);
        Assert.Equal(CombineOutcome.Clipped, outcome);
    }

    [Fact]
    public void A_hot_sample_among_many_is_rejected_and_the_rest_averaged()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 20).Select(_ => 100f + (float)(random.NextDouble() - 0.5)).ToArray();
        var clean = values.Average();
        values[7] = 30000;
        var keep = new bool[values.Length];
        var (value, outcome) = SigmaClip.Combine(values, Enumerable.Repeat(1f, values.Length).ToArray(), keep, Clip, new float[40]);
        Assert.False(keep[7]);
        Assert.Equal(CombineOutcome.Clipped, outcome);
        Assert.InRange(value, clean - 0.5, clean + 0.5);
    }

    [Fact]
    public void NaN_samples_and_samples_without_weight_never_count()
    {
        var values = new[] { float.NaN, 10f, 1000f, 20f };
        var weights = new[] { 1f, 1f, 0f, 1f };
        var (value, _) = SigmaClip.Combine(values, weights, new bool[4], null);
        Assert.Equal(15f, value);
    }

    [Fact]
    public void No_valid_sample_gives_no_data_and_no_weight_gives_the_plain_mean()
    {
        Assert.Equal(CombineOutcome.Empty, SigmaClip.Combine(new[] { float.NaN, float.NaN }, new[] { 1f, 1f }, new bool[2], null).Outcome);
        var (value, outcome) = SigmaClip.Combine(new[] { 4f, 8f }, new[] { 0f, 0f }, new bool[2], null);
        Assert.Equal((6f, CombineOutcome.WeightFallback), (value, outcome));
    }

    [Fact]
    public void A_subset_keeps_only_what_the_whole_sets_bounds_kept()
    {
        var (value, outcome) = SigmaClip.CombineWithin(new[] { 10f, 12f, 500f }, new[] { 1f, 1f, 1f }, new bool[3], 0, 100);
        Assert.Equal((11f, CombineOutcome.Clipped), (value, outcome));
    }

    [Fact]
    public void A_subset_whose_every_sample_the_whole_set_rejected_gives_no_data()
    {
        // A cluster of two frames where one of them holds a hot pixel the session rejected: the pixel is not taken back.
        var (value, outcome) = SigmaClip.CombineWithin(new[] { 30000f }, new[] { 1f }, new bool[1], 0, 100);
        Assert.True(float.IsNaN(value));
        Assert.Equal(CombineOutcome.Empty, outcome);
    }

    [Fact]
    public void The_bounds_returned_reject_in_a_subset_exactly_what_the_set_rejected()
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, 30).Select(_ => 50f + (float)random.NextDouble()).ToArray();
        values[3] = 900;
        var weights = Enumerable.Repeat(1f, 30).ToArray();
        var (_, _, low, high) = SigmaClip.CombineWithBounds(values, weights, new bool[30], Clip, new float[60]);
        Assert.True(high < 900 && low < 50 && high > 51, $"bounds {low}..{high}");
        var subset = new[] { values[1], values[2], values[3] };
        var (value, _) = SigmaClip.CombineWithin(subset, new[] { 1f, 1f, 1f }, new bool[3], low, high);
        Assert.Equal((values[1] + values[2]) / 2, value, 4);
    }
}
