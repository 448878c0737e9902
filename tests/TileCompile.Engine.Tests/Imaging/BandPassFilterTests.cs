using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Tests.Imaging;

public class BandPassFilterTests
{
    [Fact]
    public void ASkyGradientVanishesEverywhereIncludingTheBorders()
    {
        var image = new ImagePlane(97, 64);
        for (var y = 0; y < image.Height; y++)
        for (var x = 0; x < image.Width; x++)
            image[x, y] = 800 + 1.7f * x - 2.3f * y;
        var band = BandPassFilter.Apply(image, 1, 4);
        Assert.All(band.Data, v => Assert.True(Math.Abs(v) < 0.01, $"residual {v}"));
    }

    [Fact]
    public void AStarKeepsItsCentreAndMostOfItsPeak()
    {
        var image = new ImagePlane(64, 64);
        const double cx = 30.3, cy = 33.6, sigma = 1.2;
        for (var y = 0; y < 64; y++)
        for (var x = 0; x < 64; x++)
            image[x, y] = (float)(500 + 1000 * Math.Exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * sigma * sigma)));
        var band = BandPassFilter.Apply(image, 1, 4);
        double sx = 0, sy = 0, s = 0;
        for (var y = 26; y <= 38; y++)
        for (var x = 24; x <= 36; x++)
        {
            var v = Math.Max(0, band[x, y]);
            sx += v * x;
            sy += v * y;
            s += v;
        }
        Assert.Equal(cx, sx / s, 2);
        Assert.Equal(cy, sy / s, 2);
        Assert.True(band[30, 34] > 400, $"peak {band[30, 34]}");
    }

    [Fact]
    public void BlankPixelsDoNotSpreadIntoTheResult()
    {
        var image = new ImagePlane(40, 40);
        Array.Fill(image.Data, 100f);
        image[20, 20] = float.NaN;
        var band = BandPassFilter.Apply(image, 1, 3);
        Assert.All(band.Data, v => Assert.True(float.IsFinite(v)));
    }
}
