using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Tests.Imaging;

/// <summary>The medians every weight and threshold rests on: the exact middle of the sorted finite values.</summary>
public class RobustStatsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(5000)]
    public void The_median_of_a_list_is_the_middle_of_its_sorted_values(int count)
    {
        var random = new Random(count);
        // Repeated values too: ties are where a selection could take the wrong neighbour.
        var values = Enumerable.Range(0, count).Select(_ => Math.Round(random.NextDouble() * 50, 1)).ToList();
        var sorted = values.OrderBy(v => v).ToArray();
        var expected = count % 2 == 1 ? sorted[count / 2] : 0.5 * (sorted[count / 2 - 1] + sorted[count / 2]);
        var before = values.ToArray();

        Assert.Equal(expected, RobustStats.Median(values));
        Assert.Equal(before, values);
    }

    [Fact]
    public void Values_that_are_not_finite_do_not_count()
    {
        Assert.Equal(2.0, RobustStats.Median(new[] { double.NaN, 1.0, double.PositiveInfinity, 3.0, 2.0, double.NegativeInfinity }));
        Assert.True(double.IsNaN(RobustStats.Median(new[] { double.NaN })));
        Assert.True(double.IsNaN(RobustStats.Median(Array.Empty<double>())));
    }

    [Fact]
    public void The_median_of_floats_matches_the_median_of_the_same_values_as_doubles()
    {
        var random = new Random(9);
        var floats = Enumerable.Range(0, 10_000).Select(_ => (float)(600 + 20 * random.NextDouble())).ToArray();
        floats[17] = float.NaN;
        Assert.Equal(RobustStats.Median(floats.Select(v => (double)v).ToList()), RobustStats.Median(floats), 6);
    }
}
