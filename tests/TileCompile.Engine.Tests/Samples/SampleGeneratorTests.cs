using System.Security.Cryptography;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Samples;

public class SampleGeneratorTests
{
    private static readonly SampleSkyOptions Small = new() { Width = 160, Height = 128, Frames = 8, Seed = 3 };

    private static string HashFolder(string dir) =>
        string.Join(",", Directory.GetFiles(dir).OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => Path.GetFileName(f) + ":" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))));

    [Fact]
    public void SameSeedGivesIdenticalFilesWhateverTheParallelism()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        using var c = new TempDirectory();
        SampleSkyGenerator.Generate(Small, a.Path, maxParallelism: 1);
        SampleSkyGenerator.Generate(Small, b.Path, maxParallelism: 4);
        SampleSkyGenerator.Generate(Small with { Seed = 4 }, c.Path);
        Assert.Equal(HashFolder(a.Path), HashFolder(b.Path));
        Assert.NotEqual(HashFolder(a.Path), HashFolder(c.Path));
        Assert.Equal(9, Directory.GetFiles(a.Path).Length);
    }

    [Fact]
    public void FramesCarryRealisticHeadersAndPassFitsverify()
    {
        using var dir = new TempDirectory();
        SampleSkyGenerator.Generate(Small with { Sensor = SampleSensor.Rggb }, dir.Path);
        var first = FitsImage.ReadHeader(dir.File("light_0001.fit"));
        var second = FitsImage.ReadHeader(dir.File("light_0002.fit"));
        Assert.Equal(10.0, first.GetDouble("EXPTIME"));
        Assert.Equal("RGGB", first.GetString("BAYERPAT"));
        Assert.Equal("2026-01-08T22:05:41.000", first.GetString("DATE-OBS"));
        Assert.Equal("2026-01-08T22:05:53.000", second.GetString("DATE-OBS"));
        Assert.NotNull(first.GetString("INSTRUME"));
        using (var image = FitsImage.Open(dir.File("light_0001.fit")))
        {
            Assert.Equal(16, image.Bitpix);
            Assert.Equal("RGGB", image.Camera.EffectivePattern.ToString());
        }
        var (errors, warnings, report) = ExternalTools.FitsVerify(dir.File("light_0001.fit"));
        Assert.True(errors == 0 && warnings == 0, report);
    }

    [Fact]
    public void BrightStarsSitWhereTheTruthSays()
    {
        using var dir = new TempDirectory();
        var options = Small with { Width = 256, Height = 200, Frames = 5, StarDensity = 20, FieldRotationDegrees = 10, DriftPixels = 40, HotPixels = 0, CosmicRaysPerFrame = 0, ExtendedObject = false, BadFrame = false, SatelliteTrail = false, SkyLevel = 20, SkyGradient = 0 };
        var truth = SampleSkyGenerator.Generate(options, dir.Path);
        var measured = 0;
        var errorSum = 0.0;
        foreach (var frame in truth.Frames)
        {
            using var image = FitsImage.Open(dir.File(frame.File));
            var pixels = image.ReadPlane();
            foreach (var star in truth.Stars.Where(s => s.Flux is > 3000 and < 150000))
            {
                var (x, y) = frame.SkyToFrame(star.X, star.Y);
                if (x < 12 || y < 12 || x > options.Width - 13 || y > options.Height - 13) continue;
                // isolated: no other star brighter than 1 % of it within 12 px
                if (truth.Stars.Any(o => o != star && o.Flux > star.Flux * 0.03 && Distance(frame, o, x, y) < 10)) continue;
                var (mx, my) = Centroid(pixels, options.Width, x, y, frame.Background, 5);
                Assert.True(Math.Abs(mx - x) < 0.3 && Math.Abs(my - y) < 0.3, $"{frame.File}: star at ({x:F2},{y:F2}) measured at ({mx:F2},{my:F2})");
                errorSum += Math.Abs(mx - x) + Math.Abs(my - y);
                measured++;
            }
        }
        Assert.True(measured >= 10, $"only {measured} isolated bright stars measured");
        Assert.True(errorSum / (2 * measured) < 0.06, $"mean centroid error {errorSum / (2 * measured):F3} px");
    }

    [Fact]
    public void ReferenceToFrameComposesTheTruthTransforms()
    {
        var truth = SampleSkyGenerator.Plan(Small with { FieldRotationDegrees = 12 });
        var m = truth.ReferenceToFrame(2, 6);
        var star = truth.Stars[0];
        var inRef = truth.Frames[2].SkyToFrame(star.X, star.Y);
        var inFrame = truth.Frames[6].SkyToFrame(star.X, star.Y);
        Assert.Equal(inFrame.X, m[0] * inRef.X + m[1] * inRef.Y + m[2], 9);
        Assert.Equal(inFrame.Y, m[3] * inRef.X + m[4] * inRef.Y + m[5], 9);
        Assert.Equal(12.0 * 4 / 7, truth.Frames[6].RotationDegrees - truth.Frames[2].RotationDegrees, 9);
    }

    [Fact]
    public void SessionHasTheRequestedDefects()
    {
        using var dir = new TempDirectory();
        var truth = SampleSkyGenerator.Generate(Small with { Frames = 10, HotPixels = 25 }, dir.Path);
        Assert.Single(truth.Frames, f => f.Defect == "clouds");
        var trailFrame = Assert.Single(truth.Frames, f => f.Defect == "satellite_trail");
        Assert.Equal(25, truth.HotPixels.Length);

        foreach (var frame in truth.Frames)
        {
            using var image = FitsImage.Open(dir.File(frame.File));
            var px = image.ReadPlane();
            foreach (var hp in truth.HotPixels) Assert.True(px[hp[1] * Small.Width + hp[0]] >= 20000, $"hot pixel {hp[0]},{hp[1]} missing in {frame.File}");
        }

        using var trailImage = FitsImage.Open(dir.File(trailFrame.File));
        var trail = trailImage.ReadPlane();
        var t = trailFrame.Trail!;
        var x = Small.Width / 2;
        var y = (int)Math.Round(t[1] + (t[3] - t[1]) * (x - t[0]) / (t[2] - t[0]));
        Assert.True(trail[y * Small.Width + x] > trailFrame.Background + 500, "trail not visible");

        var clouds = truth.Frames.Single(f => f.Defect == "clouds");
        Assert.Equal(0.3, clouds.Transparency);
        Assert.True(clouds.Fwhm > truth.Frames.Where(f => f.Defect is null).Max(f => f.Fwhm));
    }

    [Fact]
    public void ColourFramesHaveDistinctChannelLevels()
    {
        using var dir = new TempDirectory();
        var truth = SampleSkyGenerator.Generate(Small with { Sensor = SampleSensor.Rggb, StarDensity = 0, ExtendedObject = false, HotPixels = 0, SkyGradient = 0 }, dir.Path);
        using var image = FitsImage.Open(dir.File(truth.Frames[0].File));
        var px = image.ReadPlane();
        double r = 0, g = 0, b = 0;
        for (var y = 0; y < Small.Height; y += 2)
        for (var x = 0; x < Small.Width; x += 2)
        {
            r += px[y * Small.Width + x];
            g += px[y * Small.Width + x + 1] + px[(y + 1) * Small.Width + x];
            b += px[(y + 1) * Small.Width + x + 1];
        }
        g /= 2;
        Assert.InRange(r / g, 0.83, 0.87);
        Assert.InRange(b / g, 0.73, 0.77);
    }

    [Fact]
    public void InvalidOptionsAreRejectedBeforeAnythingIsWritten()
    {
        using var dir = new TempDirectory();
        var target = Path.Combine(dir.Path, "out");
        var e = Assert.Throws<ArgumentException>(() => SampleSkyGenerator.Generate(Small with { Width = 10 }, target));
        Assert.Contains("Width", e.Message);
        Assert.Throws<ArgumentException>(() => SampleSkyGenerator.Generate(Small with { Sensor = SampleSensor.Rggb, Width = 161 }, target));
        Assert.False(Directory.Exists(target));
    }

    private static double Distance(TruthFrame frame, TruthStar s, double x, double y)
    {
        var (sx, sy) = frame.SkyToFrame(s.X, s.Y);
        return Math.Sqrt((sx - x) * (sx - x) + (sy - y) * (sy - y));
    }

    private static (double X, double Y) Centroid(float[] px, int width, double x, double y, double background, int r)
    {
        double sx = 0, sy = 0, s = 0;
        var ix = (int)Math.Round(x);
        var iy = (int)Math.Round(y);
        for (var j = iy - r; j <= iy + r; j++)
        for (var i = ix - r; i <= ix + r; i++)
        {
            var v = px[j * width + i] - background * (1 + 0.15 * 0); // gradient is small over a stamp
            sx += v * i; sy += v * j; s += v;
        }
        return (sx / s, sy / s);
    }
}
