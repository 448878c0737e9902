using TileCompile.Engine.Imaging;
using TileCompile.Engine.Metrics;

namespace TileCompile.Engine.Tests.Imaging;

public class DemosaicTests
{
    private const int Size = 48;

    // A smooth sky of known colour in each plane, and the mosaic a sensor of that layout would record.
    private static (ImagePlane Mosaic, float[][] Truth) Record(BayerPattern pattern, Func<int, int, int, double> sky)
    {
        var truth = new float[3][];
        for (var c = 0; c < 3; c++)
        {
            truth[c] = new float[Size * Size];
            for (var y = 0; y < Size; y++)
            for (var x = 0; x < Size; x++)
                truth[c][y * Size + x] = (float)sky(c, x, y);
        }
        var mosaic = new ImagePlane(Size, Size);
        for (var y = 0; y < Size; y++)
        for (var x = 0; x < Size; x++)
            mosaic[x, y] = truth[(int)pattern.ColorAt(x, y)][y * Size + x];
        return (mosaic, truth);
    }

    public static TheoryData<string, DemosaicMethod> Layouts()
    {
        var data = new TheoryData<string, DemosaicMethod>();
        foreach (var name in BayerPattern.Names)
        foreach (var method in new[] { DemosaicMethod.GradientCorrected, DemosaicMethod.Bilinear })
            data.Add(name, method);
        return data;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Every_layout_reproduces_a_smooth_colour_field_and_keeps_each_photosite(string layout, DemosaicMethod method)
    {
        var pattern = BayerPattern.Parse(layout);
        // Linear gradients of different slope and level per colour: what a sky gradient looks like.
        var (mosaic, truth) = Record(pattern, (c, x, y) => c switch
        {
            0 => 500 + 3.0 * x + 2.0 * y,
            1 => 900 + 1.5 * x - 4.0 * y + 200,
            _ => 300 - 2.5 * x + 1.0 * y + 150,
        });
        var rgb = Demosaic.ToRgb(mosaic, pattern, method);

        for (var y = 0; y < Size; y++)
        for (var x = 0; x < Size; x++)
        {
            var own = (int)pattern.ColorAt(x, y);
            Assert.Equal(mosaic[x, y], rgb[own][x, y]);
            if (x < 3 || y < 3 || x >= Size - 3 || y >= Size - 3) continue;
            for (var c = 0; c < 3; c++)
            {
                var expected = truth[c][y * Size + x];
                Assert.True(Math.Abs(rgb[c][x, y] - expected) < 1e-3 * expected,
                    $"{layout} {method}: plane {"RGB"[c]} at ({x},{y}) is {rgb[c][x, y]}, expected {expected}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void A_coloured_star_keeps_its_colour_within_two_percent_over_subpixel_positions(string layout, DemosaicMethod method)
    {
        // One frame samples an undersampled star at one sub-pixel position, which biases its colour by a few percent
        // either way (aliasing); a dithered session samples many, and there the colour must come out true.
        var pattern = BayerPattern.Parse(layout);
        var colour = new[] { 0.62, 1.0, 1.31 };
        var random = new Random(11);
        var errors = new List<double>[] { new(), new() };
        for (var k = 0; k < 24; k++)
        {
            double sx = 23 + random.NextDouble(), sy = 23 + random.NextDouble();
            var (mosaic, _) = Record(pattern, (c, x, y) => 200 + 5000 * colour[c] * Gaussian(x - sx, y - sy, 2.4));
            var rgb = Demosaic.ToRgb(mosaic, pattern, method);
            var flux = rgb.Select(p => ApertureSum(p, sx, sy, 8) - 200 * AperturePixels(sx, sy, 8)).ToArray();
            errors[0].Add(flux[0] / flux[1] / colour[0] - 1);
            errors[1].Add(flux[2] / flux[1] / colour[2] - 1);
        }
        for (var c = 0; c < 2; c++)
        {
            var name = c == 0 ? "R/G" : "B/G";
            Assert.True(Math.Abs(errors[c].Average()) < 0.02, $"{layout} {method}: {name} is off by {100 * errors[c].Average():+0.0;-0.0} % on average");
            Assert.True(errors[c].Max(Math.Abs) < 0.06, $"{layout} {method}: {name} is off by up to {100 * errors[c].Max(Math.Abs):0.0} % at one position");
        }
    }

    [Theory]
    [InlineData("GRBG")]
    [InlineData("RGGB")]
    public void Gradient_correction_keeps_an_undersampled_star_sharper_than_bilinear_without_a_deep_dark_ring(string layout)
    {
        var pattern = BayerPattern.Parse(layout);
        const double fwhm = 2.2;
        foreach (var (sx, sy) in new[] { (24.0, 24.0), (24.5, 23.5), (23.7, 24.2) })
        {
            var (mosaic, _) = Record(pattern, (c, x, y) => 300 + 8000 * Gaussian(x - sx, y - sy, fwhm));
            var edge = Demosaic.ToRgb(mosaic, pattern, DemosaicMethod.GradientCorrected);
            var bilinear = Demosaic.ToRgb(mosaic, pattern, DemosaicMethod.Bilinear);
            var edgeFwhm = LuminanceFwhm(edge, sx, sy);
            var bilinearFwhm = LuminanceFwhm(bilinear, sx, sy);
            Assert.True(edgeFwhm < bilinearFwhm, $"star at ({sx},{sy}): gradient-corrected FWHM {edgeFwhm:0.000} is not below bilinear {bilinearFwhm:0.000}");
            Assert.True(Math.Abs(edgeFwhm / fwhm - 1) < 0.08, $"star at ({sx},{sy}): gradient-corrected FWHM {edgeFwhm:0.000}, truth {fwhm}");
            // The curvature correction dips a little beside the core in one frame (it sums to zero); dithered frames
            // spread that over a ring far below the noise. Deep notches (Lanczos on half-resolution planes made
            // −10 % and worse) are what must not come back.
            foreach (var plane in edge)
                Assert.True(plane.Data.Min() >= 300 - 0.05 * 8000, $"star at ({sx},{sy}): a pixel dips to {plane.Data.Min():0}, below the sky of 300 by more than 5 % of the peak");
        }
    }

    [Fact]
    public void Noise_alone_is_not_amplified_beyond_the_photosites_own()
    {
        var pattern = BayerPattern.Grbg;
        var random = new Random(7);
        var mosaic = new ImagePlane(128, 128);
        for (var i = 0; i < mosaic.Data.Length; i++)
            mosaic.Data[i] = (float)(1000 + 10 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        var rgb = Demosaic.ToRgb(mosaic, pattern, DemosaicMethod.GradientCorrected);
        foreach (var plane in rgb)
        {
            var values = plane.Data.Select(v => (double)v).ToList();
            var mean = values.Average();
            var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
            Assert.True(sd < 10.5, $"the interpolated plane's noise is {sd:0.00}, the photosites' is 10");
        }
    }

    private static double Gaussian(double dx, double dy, double fwhm)
    {
        var s = fwhm / 2.3548;
        return Math.Exp(-(dx * dx + dy * dy) / (2 * s * s));
    }

    private static double LuminanceFwhm(ImagePlane[] rgb, double x, double y)
    {
        var lum = new ImagePlane(Size, Size);
        for (var i = 0; i < lum.Data.Length; i++) lum.Data[i] = (rgb[0].Data[i] + rgb[1].Data[i] + rgb[2].Data[i]) / 3;
        var fit = MoffatFit.Fit(lum, x, y) ?? throw new InvalidOperationException("the star could not be fitted");
        return fit.Fwhm;
    }

    private static double ApertureSum(ImagePlane p, double x0, double y0, double r)
    {
        double sum = 0;
        for (var y = 0; y < p.Height; y++)
        for (var x = 0; x < p.Width; x++)
            if ((x - x0) * (x - x0) + (y - y0) * (y - y0) <= r * r) sum += p[x, y];
        return sum;
    }

    private static int AperturePixels(double x0, double y0, double r)
    {
        var n = 0;
        for (var y = 0; y < Size; y++)
        for (var x = 0; x < Size; x++)
            if ((x - x0) * (x - x0) + (y - y0) * (y - y0) <= r * r) n++;
        return n;
    }
}
