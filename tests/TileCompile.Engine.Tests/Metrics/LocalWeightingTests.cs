using TileCompile.Engine.Metrics;

namespace TileCompile.Engine.Tests.Metrics;

public class NoiseBudgetTests
{
    private static readonly double[] Ones = Enumerable.Repeat(1.0, 40).ToArray();
    private static readonly double[] Spread = Enumerable.Range(0, 40).Select(i => -2 + 4 * i / 39.0).ToArray();

    [Fact]
    public void EqualWeightsHaveTheNoiseOfThePlainMean() => Assert.Equal(1, LocalWeighting.NoiseFactor(Ones, Spread, 0), 12);

    [Fact]
    public void TheExponentIsLoweredUntilTheNoiseFitsTheBudget()
    {
        Assert.True(LocalWeighting.NoiseFactor(Ones, Spread, 1) > 1.12, "the test needs weights that exceed the budget at k = 1");
        var k = LocalWeighting.Exponent(Ones, Spread, 1, 1.12);
        Assert.InRange(k, 0.05, 0.99);
        Assert.InRange(LocalWeighting.NoiseFactor(Ones, Spread, k), 1.11, 1.12);
    }

    [Fact]
    public void AGenerousBudgetKeepsTheConfiguredExponent() => Assert.Equal(1, LocalWeighting.Exponent(Ones, Spread, 1, 10));

    [Fact]
    public void GlobalWeightsAloneOverTheBudgetLeaveNoLocalWeighting()
    {
        var global = Enumerable.Range(0, 40).Select(i => i % 2 == 0 ? 0.05 : 3.0).ToArray();
        Assert.Equal(0, LocalWeighting.Exponent(global, Spread, 1, 1.12));
    }
}
