using TileCompile.Engine.Calibration;
using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Tests.Calibration;

public class CalibrationMastersTests
{
    private static ImagePlane Plane(int w, int h, Func<int, int, double> value)
    {
        var p = new ImagePlane(w, h);
        for (var y = 0; y < h; y++) for (var x = 0; x < w; x++) p[x, y] = (float)value(x, y);
        return p;
    }

    private static double Vignetting(int x, int y) => 1 - 0.3 * (Math.Pow((x - 31.5) / 32, 2) + Math.Pow((y - 23.5) / 32, 2));

    [Theory]
    [InlineData(MasterMethod.Median)]
    [InlineData(MasterMethod.SigmaClip)]
    public void A_master_ignores_a_cosmic_ray_in_one_frame(MasterMethod method)
    {
        var random = new Random(3);
        var frames = Enumerable.Range(0, 9).Select(_ => Plane(16, 16, (x, y) => 500 + 2 * x + random.NextDouble())).ToList();
        frames[4][7, 7] = 60000;
        var master = MasterCombiner.Combine(frames, method);
        for (var y = 0; y < 16; y++)
        for (var x = 0; x < 16; x++)
            Assert.InRange(master[x, y], 500 + 2 * x, 500 + 2 * x + 1);
    }

    [Fact]
    public void Dark_then_flat_gives_back_the_sky_and_the_bias_is_not_taken_twice()
    {
        const double bias = 600, sky = 1000;
        var dark = Plane(64, 48, (x, y) => bias + 20 + (x == 10 && y == 10 ? 5000 : 0)); // bias + dark current + a hot pixel
        var flat = Plane(64, 48, (x, y) => bias + 20000 * Vignetting(x, y));
        var masterBias = Plane(64, 48, (_, _) => bias);
        var gain = CalibrationMasters.GainMap(flat, flatDark: null, masterBias, pattern: null, "test flats");
        var light = Plane(64, 48, (x, y) => bias + 20 + (x == 10 && y == 10 ? 5000 : 0) + sky * Vignetting(x, y));
        // Bias and dark are both given: the dark already holds the bias, so only the dark comes off.
        new CalibrationMasters(masterBias, dark, gain).Apply(light, "light.fit");
        var mean = Enumerable.Range(0, 48).SelectMany(y => Enumerable.Range(0, 64).Select(x => Vignetting(x, y))).Average();
        for (var y = 0; y < 48; y++)
        for (var x = 0; x < 64; x++)
            Assert.True(Math.Abs(light[x, y] - sky * mean) < 0.01, $"({x},{y}): {light[x, y]} where the flat sky is {sky * mean}");
    }

    [Fact]
    public void The_master_darks_hot_pixels_are_found()
    {
        var random = new Random(9);
        var dark = Plane(64, 48, (_, _) => 600 + 4 * (random.NextDouble() - 0.5) * 3.46);
        foreach (var (x, y) in new[] { (5, 5), (40, 20), (63, 47) }) dark[x, y] += 800;
        var hot = new CalibrationMasters(null, dark, null).HotPixels();
        Assert.Equal(new[] { 5 * 64 + 5, 20 * 64 + 40, 47 * 64 + 63 }, hot);
        Assert.Empty(new CalibrationMasters(dark, null, null).HotPixels());
    }

    [Fact]
    public void A_colour_flat_is_normalised_per_colour()
    {
        var pattern = BayerPattern.Grbg;
        var response = new[] { 0.6, 1.0, 0.8 };
        var flat = Plane(32, 32, (x, y) => 100 + 10000 * response[(int)pattern.ColorAt(x, y)]);
        var gain = CalibrationMasters.GainMap(flat, Plane(32, 32, (_, _) => 100), null, pattern, "test flats");
        Assert.All(gain.Data, g => Assert.Equal(1f, g, 4));
    }

    [Fact]
    public void A_flat_of_zeros_is_refused_with_the_reason()
    {
        var flat = Plane(32, 32, (_, _) => 0);
        var e = Assert.Throws<InvalidDataException>(() => CalibrationMasters.GainMap(flat, null, null, null, "flats /data/flats"));
        Assert.Contains("flats /data/flats", e.Message);
        Assert.Contains("no light", e.Message);
    }

    [Fact]
    public void A_master_of_another_size_names_the_light()
    {
        var masters = new CalibrationMasters(null, Plane(32, 32, (_, _) => 0), null);
        var e = Assert.Throws<InvalidDataException>(() => masters.Apply(Plane(64, 48, (_, _) => 0), "/data/lights/L_0001.fit"));
        Assert.Contains("/data/lights/L_0001.fit is 64x48", e.Message);
        Assert.Contains("master dark 32x32", e.Message);
    }
}

public class FrameTypesTests
{
    [Theory]
    [InlineData("Light Frame", "light")]
    [InlineData("LIGHT", "light")]
    [InlineData("Dark Frame", "dark")]
    [InlineData("Flat Field", "flat")]
    [InlineData("Bias Frame", "bias")]
    [InlineData("Offset", "bias")]
    [InlineData("Dark Flat", "darkflat")]
    [InlineData("flat_dark", "darkflat")]
    [InlineData("Master Dark", "dark")]
    [InlineData(null, null)]
    [InlineData("Focus", null)]
    public void Common_spellings_of_IMAGETYP_are_known(string? imageType, string? kind) => Assert.Equal(kind, FrameTypes.Classify(imageType));
}
