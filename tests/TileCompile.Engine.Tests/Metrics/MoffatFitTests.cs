using TileCompile.Engine.Imaging;
using TileCompile.Engine.Metrics;

namespace TileCompile.Engine.Tests.Metrics;

public class MoffatFitTests
{
    [Theory]
    [InlineData(2.5, 2.5, 3.0)]
    [InlineData(4.0, 3.0, 2.5)]
    [InlineData(3.0, 3.0, 6.0)]
    public void Recovers_the_FWHM_and_beta_of_a_known_profile(double fwhmMajor, double fwhmMinor, double beta)
    {
        var image = new ImagePlane(41, 41);
        var half = Math.Pow(2, 1 / beta) - 1;
        var (a, b) = (fwhmMajor / 2, fwhmMinor / 2);
        var angle = 0.5;
        var random = new Random(1);
        for (var y = 0; y < 41; y++)
        for (var x = 0; x < 41; x++)
        {
            var dx = x - 20.3;
            var dy = y - 19.6;
            var u = dx * Math.Cos(angle) + dy * Math.Sin(angle);
            var v = -dx * Math.Sin(angle) + dy * Math.Cos(angle);
            var q = half * (u * u / (a * a) + v * v / (b * b));
            image[x, y] = (float)(100 + 1000 * Math.Pow(1 + q, -beta) + random.NextDouble() - 0.5);
        }
        var fit = MoffatFit.Fit(image, 20, 20, 9);
        Assert.NotNull(fit);
        Assert.Equal(Math.Sqrt(fwhmMajor * fwhmMinor), fit.Fwhm, 0.03 * fwhmMajor);
        Assert.Equal(fwhmMajor, fit.FwhmMajor, 0.05 * fwhmMajor);
        Assert.Equal(beta, fit.Beta, 0.15 * beta);
        Assert.Equal(20.3, fit.X, 0.02);
        Assert.Equal(19.6, fit.Y, 0.02);
    }

    [Fact]
    public void Flat_noise_is_not_a_star()
    {
        var image = new ImagePlane(31, 31);
        var random = new Random(2);
        for (var i = 0; i < image.Data.Length; i++) image.Data[i] = (float)(100 + random.NextDouble());
        var fit = MoffatFit.Fit(image, 15, 15);
        Assert.True(fit is null || fit.Amplitude < 5, $"fitted a star of amplitude {fit?.Amplitude} in noise");
    }
}
