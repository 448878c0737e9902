using TileCompile.Engine.Imaging;
using TileCompile.Engine.Registration;

namespace TileCompile.Engine.Tests.Registration;

public class WarpRingingTests
{
    [Theory]
    [InlineData(0.3, 0.7, false, Interpolation.Lanczos3)]
    [InlineData(0.5, 0.5, false, Interpolation.Lanczos3)]
    [InlineData(0.25, 0.6, true, Interpolation.Lanczos3)]
    [InlineData(0.5, 0.5, false, Interpolation.Cubic)]
    [InlineData(0.25, 0.6, true, Interpolation.Cubic)]
    public void A_bright_point_source_warped_by_subpixel_shifts_has_no_negative_lobe(double sx, double sy, bool cfa, Interpolation kernel)
    {
        var frame = new ImagePlane(64, 64);
        Array.Fill(frame.Data, 100f);
        // An undersampled star (FWHM 1.2 px) of peak 10,000 above the sky, on every photosite.
        for (var y = 0; y < 64; y++)
        for (var x = 0; x < 64; x++)
            frame[x, y] += (float)(10000 * Math.Exp(-((x - 32) * (x - 32) + (y - 32) * (y - 32)) / (2 * 0.5 * 0.5)));
        var warped = FrameWarper.Warp(frame, new AffineTransform(1, 0, sx, 0, 1, sy), kernel, cfa);
        var lowest = warped.Data.Where(float.IsFinite).Min();
        Assert.True(lowest >= 100 - 0.01 * 10000, $"lowest value {lowest} dips below the sky by more than 1 % of the peak");
    }
}
