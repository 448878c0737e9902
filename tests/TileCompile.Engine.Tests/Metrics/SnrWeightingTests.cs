using TileCompile.Engine.Metrics;

namespace TileCompile.Engine.Tests.Metrics;

public class SnrWeightingTests
{
    [Fact]
    public void Weights_of_frames_with_known_noise_beat_equal_weights()
    {
        // 40 frames of one star signal (1.0) with noise between 1 and 3: the weighted mean's scatter over many
        // trials must be well below the equal-weight mean's, and close to the inverse-variance optimum.
        var random = new Random(3);
        var n = 40;
        var sigma = Enumerable.Range(0, n).Select(i => 1 + 2.0 * i / (n - 1)).ToArray();
        var weights = SnrWeighting.GlobalWeights(Enumerable.Repeat(1.0, n).ToList(), sigma);
        double sw = 0, se = 0;
        var trials = 20000;
        for (var t = 0; t < trials; t++)
        {
            double num = 0, den = 0, mean = 0;
            for (var i = 0; i < n; i++)
            {
                var x = 1 + sigma[i] * Gaussian(random);
                num += weights[i] * x;
                den += weights[i];
                mean += x / n;
            }
            sw += Math.Pow(num / den - 1, 2);
            se += Math.Pow(mean - 1, 2);
        }
        var gain = Math.Sqrt(se / sw);
        var optimum = Math.Sqrt(sigma.Sum(s => 1 / (s * s)) * sigma.Sum(s => s * s)) / n;
        Assert.True(gain > 1.15, $"SNR gain over equal weights {gain:0.000}");
        Assert.InRange(gain, optimum * 0.97, optimum * 1.03);
    }

    [Fact]
    public void A_hazier_frame_counts_less_in_proportion_to_its_signal()
    {
        var w = SnrWeighting.GlobalWeights(new[] { 1.0, 1.0, 0.5 }, new[] { 0.1, 0.1, 0.1 });
        Assert.Equal(1.0, w[0], 6);
        Assert.Equal(0.5, w[2], 6);
    }

    [Fact]
    public void Transparency_is_the_median_flux_ratio_and_needs_enough_stars()
    {
        var reference = new[] { 100.0, 200, 300, 400, 500, 600 };
        Assert.Equal(0.8, SnrWeighting.Transparency(reference.Select(v => 0.8 * v).ToArray(), reference), 6);
        Assert.Equal(1.0, SnrWeighting.Transparency(new[] { 50.0, 100 }, new[] { 100.0, 200 }));
    }

    [Fact]
    public void Sharper_tiles_weigh_more_within_bounds()
    {
        Assert.Equal(4.0, SnrWeighting.SharpnessFactor(1.5, 3, 2), 6);
        Assert.Equal(4.0, SnrWeighting.SharpnessFactor(0.1, 3, 2), 6); // held at a ratio of 2
        Assert.Equal(1.0, SnrWeighting.SharpnessFactor(double.NaN, 3, 2));
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}
