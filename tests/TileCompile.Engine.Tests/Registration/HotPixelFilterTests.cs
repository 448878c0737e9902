using TileCompile.Engine.Imaging;
using TileCompile.Engine.Registration;

namespace TileCompile.Engine.Tests.Registration;

public class HotPixelFilterTests
{
    // Bright nebulosity (thousands of ADU of structure) with sky noise of about 30 ADU, stars and hot pixels.
    private static (ImagePlane Image, List<(int X, int Y)> Hot, List<(int X, int Y)> Stars) Field()
    {
        var random = new Random(5);
        var image = new ImagePlane(200, 160);
        for (var y = 0; y < image.Height; y++)
        for (var x = 0; x < image.Width; x++)
        {
            var nebula = 4000 * Math.Exp(-((x - 90) * (x - 90) + (y - 70) * (y - 70)) / (2 * 40.0 * 40.0)) * (1 + 0.5 * Math.Sin(x / 8.0) * Math.Cos(y / 9.0));
            image[x, y] = (float)(600 + nebula + 30 * (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 2);
        }
        var stars = new List<(int, int)> { (40, 40), (95, 75), (150, 120), (120, 30) };
        foreach (var (sx, sy) in stars)
            for (var y = sy - 5; y <= sy + 5; y++)
            for (var x = sx - 5; x <= sx + 5; x++)
                image[x, y] += (float)(3000 * Math.Exp(-((x - sx) * (x - sx) + (y - sy) * (y - sy)) / (2 * 1.2 * 1.2)));
        var hot = new List<(int, int)>();
        for (var i = 0; i < 40; i++)
        {
            var (hx, hy) = (5 + random.Next(190), 5 + random.Next(150));
            hot.Add((hx, hy));
            image[hx, hy] = 20000 + random.Next(45000);
        }
        return (image, hot, stars);
    }

    [Fact]
    public void HotPixelsOnBrightNebulosityAreReplacedAndStarsKeepTheirPeaks()
    {
        var (image, hot, stars) = Field();
        var peaks = stars.Select(s => image[s.X, s.Y]).ToList();
        HotPixelFilter.Clean(image);
        foreach (var (x, y) in hot)
            Assert.True(image[x, y] < 10000, $"hot pixel at ({x}, {y}) kept at {image[x, y]}");
        for (var i = 0; i < stars.Count; i++)
            Assert.Equal(peaks[i], image[stars[i].X, stars[i].Y]);
    }

    [Fact]
    public void InAColourMosaicOnlyTheDefectsChangeNotTheColoursOfTheNebula()
    {
        // A red nebula on an RGGB mosaic: red photosites stand well above their green and blue neighbours.
        var (image, hot, _) = Field();
        var response = new[] { 1.6f, 0.8f, 0.8f, 0.4f }; // R, G, G, B by position in the 2×2 cell
        for (var y = 0; y < image.Height; y++)
        for (var x = 0; x < image.Width; x++)
            if (!hot.Contains((x, y))) image[x, y] = 600 + (image[x, y] - 600) * response[(y % 2) * 2 + x % 2];
        var before = (float[])image.Data.Clone();
        HotPixelFilter.Clean(image, mosaic: true);
        for (var i = 0; i < before.Length; i++)
        {
            var (x, y) = (i % image.Width, i / image.Width);
            if (hot.Contains((x, y)))
                Assert.True(image.Data[i] < 10000 || x < 2 || y < 2 || x >= image.Width - 2 || y >= image.Height - 2, $"hot pixel at ({x}, {y}) kept");
            else
                Assert.True(before[i] == image.Data[i], $"photosite ({x}, {y}) changed from {before[i]} to {image.Data[i]}");
        }
    }

    [Fact]
    public void PixelNoiseIsTheSkyNoiseNotTheNebulasStructure()
    {
        var (image, _, _) = Field();
        var noise = HotPixelFilter.PixelNoise(image);
        // Three uniform draws scaled to ±90 ADU give a spread of 30 ADU; the nebula's spread is in the thousands.
        Assert.InRange(noise, 24, 40);
    }
}
