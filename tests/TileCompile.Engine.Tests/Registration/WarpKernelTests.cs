using TileCompile.Engine.Imaging;
using TileCompile.Engine.Numerics;
using TileCompile.Engine.Registration;

namespace TileCompile.Engine.Tests.Registration;

/// <summary>The three resampling kernels: exact on smooth images, and ordered in sharpness and in the noise they leave.</summary>
public class WarpKernelTests
{
    private static readonly AffineTransform HalfPixel = new(1, 0, 0.5, 0, 1, 0.5);

    // Bilinear and cubic convolution reproduce a linear ramp exactly; the windowed sinc only nearly
    // (its weights are normalised to sum 1, not to reproduce slopes): within 3 % of the ramp's step per pixel (5 here).
    [Theory]
    [InlineData(Interpolation.Bilinear, 0.01)]
    [InlineData(Interpolation.Cubic, 0.01)]
    [InlineData(Interpolation.Lanczos3, 0.15)]
    public void A_sky_gradient_is_resampled_without_error(Interpolation kernel, double tolerance)
    {
        var frame = new ImagePlane(48, 48);
        for (var y = 0; y < 48; y++)
        for (var x = 0; x < 48; x++)
            frame[x, y] = 500 + 3f * x - 2f * y;
        var warped = FrameWarper.Warp(frame, new AffineTransform(1, 0, 0.3, 0, 1, 0.7), kernel, false);
        for (var y = 4; y < 40; y++)
        for (var x = 4; x < 40; x++)
            Assert.Equal(500 + 3 * (x + 0.3) - 2 * (y + 0.7), warped[x, y], tolerance);
    }

    [Fact]
    public void Cubic_lies_between_bilinear_and_Lanczos_in_sharpness_and_in_noise()
    {
        // A star of FWHM 2 px: its peak after a half-pixel shift says how much the kernel blurs.
        var star = new ImagePlane(48, 48);
        for (var y = 0; y < 48; y++)
        for (var x = 0; x < 48; x++)
            star[x, y] = (float)(1000 * Math.Exp(-((x - 24) * (x - 24) + (y - 24) * (y - 24)) / (2 * 0.85 * 0.85)));
        double Peak(Interpolation k) => FrameWarper.Warp(star, HalfPixel, k, false).Data.Where(float.IsFinite).Max();

        // White noise of σ = 1: the per-pixel scatter after the same shift says how much it smooths.
        var noise = new ImagePlane(128, 128);
        var random = new SeededRandom(5);
        for (var i = 0; i < noise.Data.Length; i++) noise.Data[i] = (float)random.NextGaussian();
        double Scatter(Interpolation k)
        {
            var w = FrameWarper.Warp(noise, HalfPixel, k, false);
            var inner = new List<double>();
            for (var y = 8; y < 120; y++) for (var x = 8; x < 120; x++) inner.Add(w[x, y]);
            var mean = inner.Average();
            return Math.Sqrt(inner.Sum(v => (v - mean) * (v - mean)) / inner.Count);
        }

        Assert.True(Peak(Interpolation.Bilinear) < Peak(Interpolation.Cubic) && Peak(Interpolation.Cubic) < Peak(Interpolation.Lanczos3),
            $"peaks {Peak(Interpolation.Bilinear):F1} / {Peak(Interpolation.Cubic):F1} / {Peak(Interpolation.Lanczos3):F1}");
        Assert.True(Scatter(Interpolation.Bilinear) < Scatter(Interpolation.Cubic) && Scatter(Interpolation.Cubic) < Scatter(Interpolation.Lanczos3),
            $"scatter {Scatter(Interpolation.Bilinear):F3} / {Scatter(Interpolation.Cubic):F3} / {Scatter(Interpolation.Lanczos3):F3}");
        // Bilinear at a half-pixel shift averages four pixels: σ/2 exactly.
        Assert.Equal(0.5, Scatter(Interpolation.Bilinear), 0.02);
    }
}
