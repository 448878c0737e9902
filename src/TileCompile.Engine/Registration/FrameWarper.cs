using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Registration;

/// <summary>Resampling kernel.</summary>
public enum Interpolation
{
    /// <summary>Bilinear (2×2 taps).</summary>
    Bilinear,
    /// <summary>
    /// Lanczos-3 (6×6 taps), sharper; clamped to the range of the four nearest source pixels, so the
    /// kernel's negative lobes cannot dig dark rings beside bright stars.
    /// </summary>
    Lanczos3,
    /// <summary>
    /// Cubic convolution (Keys, a = −0.5; 4×4 taps), between the two: sharper than bilinear, and smooths the
    /// noise more than Lanczos-3. Clamped like Lanczos-3.
    /// </summary>
    Cubic,
}

/// <summary>
/// Resamples a frame onto the reference grid. For each output pixel the reference→frame map gives
/// the source position. CFA frames are warped per Bayer sub-plane (R, G1, G2, B on their own
/// half-resolution grids), so colours are never interpolated into each other. Pixels whose source
/// lies outside the frame become NaN (no data), never 0.
/// </summary>
public static class FrameWarper
{
    private const int LutSteps = 1024;
    private static readonly Lazy<float[]> LanczosLut = new(() => BuildLut(LanczosKernel));
    private static readonly Lazy<float[]> CubicLut = new(() => BuildLut(CubicKernel));

    /// <summary>
    /// A raw frame onto the reference grid: a mosaic per Bayer sub-plane (half resolution) or, with
    /// <paramref name="debayer"/>, debayered first and warped per full-resolution colour plane (an R, G, B cube);
    /// <paramref name="holes"/> (repaired before) become no data again where they land.
    /// </summary>
    public static (float[] Pixels, int Planes) WarpFrame(ImagePlane raw, BayerPattern? pattern, DemosaicMethod? debayer, AffineTransform transform,
        Interpolation interpolation, IReadOnlyList<int> holes)
    {
        if (pattern is not { } p || debayer is not { } method)
        {
            var warped = FrameWarper.Warp(raw, transform, interpolation, pattern is not null);
            SensorDefects.MaskHoles(warped, holes, transform, pattern is not null);
            return (warped.Data, 1);
        }
        var colour = Demosaic.ToRgb(raw, p, method);
        var n = raw.Width * raw.Height;
        var cube = new float[3 * n];
        for (var c = 0; c < 3; c++)
        {
            var warped = FrameWarper.Warp(colour[c], transform, interpolation, cfa: false);
            SensorDefects.MaskHoles(warped, holes, transform, mosaic: false);
            warped.Data.CopyTo(cube, c * n);
        }
        return (cube, 3);
    }

    /// <summary>Warps <paramref name="frame"/> (same size as the reference) with the reference→frame map.</summary>
    public static ImagePlane Warp(ImagePlane frame, AffineTransform referenceToFrame, Interpolation interpolation, bool cfa)
    {
        var output = new ImagePlane(frame.Width, frame.Height);
        if (!cfa)
        {
            WarpPlane(frame, output, referenceToFrame, interpolation, 0, 0, 1);
            return output;
        }
        for (var dy = 0; dy < 2; dy++)
        for (var dx = 0; dx < 2; dx++)
        {
            var sub = frame.SubPlane(dx, dy);
            // Output sub-pixel (i, j) is full-resolution (2i+dx, 2j+dy); its source, mapped back into sub-plane coordinates.
            WarpPlane(sub, output, referenceToFrame, interpolation, dx, dy, 2);
        }
        return output;
    }

    private static void WarpPlane(ImagePlane source, ImagePlane output, AffineTransform t, Interpolation interpolation, int dx, int dy, int step)
    {
        var outW = output.Width;
        var rows = (output.Height - dy + step - 1) / step;
        var cols = (outW - dx + step - 1) / step;
        var lut = interpolation == Interpolation.Cubic ? CubicLut.Value : LanczosLut.Value;
        var data = output.Data;
        for (var j = 0; j < rows; j++)
        {
            var fy = j * step + dy;
            // Source position of the row's first pixel, then constant steps along the row (the map is affine).
            var (qx0, qy0) = t.Apply(dx, fy);
            var sx = (qx0 - dx) / step;
            var sy = (qy0 - dy) / step;
            var stepX = t.A;
            var stepY = t.C;
            var index = fy * outW + dx;
            for (var i = 0; i < cols; i++, index += step)
            {
                var x = sx + i * stepX;
                var y = sy + i * stepY;
                data[index] = interpolation == Interpolation.Bilinear ? Bilinear(source, x, y) : SixTap(source, x, y, lut);
            }
        }
    }

    private static float Bilinear(ImagePlane s, double x, double y)
    {
        if (x < -0.5 || y < -0.5 || x > s.Width - 0.5 || y > s.Height - 0.5) return float.NaN;
        x = Math.Clamp(x, 0, s.Width - 1);
        y = Math.Clamp(y, 0, s.Height - 1);
        var x0 = Math.Min((int)x, s.Width - 2);
        var y0 = Math.Min((int)y, s.Height - 2);
        var fx = x - x0;
        var fy = y - y0;
        var d = s.Data;
        var i = y0 * s.Width + x0;
        var top = d[i] * (1 - fx) + d[i + 1] * fx;
        var bottom = d[i + s.Width] * (1 - fx) + d[i + s.Width + 1] * fx;
        return (float)(top * (1 - fy) + bottom * fy);
    }

    // The 6×6 taps of a kernel table (Lanczos-3, or cubic convolution with its outer taps zero), clamped.
    private static float SixTap(ImagePlane s, double x, double y, float[] lut)
    {
        if (x < -0.5 || y < -0.5 || x > s.Width - 0.5 || y > s.Height - 0.5) return float.NaN;
        var ix = (int)Math.Floor(x);
        var iy = (int)Math.Floor(y);
        var fx = x - ix;
        var fy = y - iy;
        var lx = Math.Min((int)(fx * LutSteps + 0.5), LutSteps) * 6;
        var ly = Math.Min((int)(fy * LutSteps + 0.5), LutSteps) * 6;
        var w = s.Width;
        var h = s.Height;
        var d = s.Data;
        if (ix >= 2 && iy >= 2 && ix + 3 < w && iy + 3 < h)
        {
            // Interior: all 36 taps inside, no clamping; six 6-tap rows weighted by the column weights.
            var wx = lut.AsSpan(lx, 6);
            var wy = lut.AsSpan(ly, 6);
            var start = (iy - 2) * w + ix - 2;
            float sum = 0;
            for (var k = 0; k < 6; k++)
            {
                var r = d.AsSpan(start + k * w, 6);
                sum += wy[k] * (r[0] * wx[0] + r[1] * wx[1] + r[2] * wx[2] + r[3] * wx[3] + r[4] * wx[4] + r[5] * wx[5]);
            }
            var near = iy * w + ix;
            return Clamp(sum, d[near], d[near + 1], d[near + w], d[near + w + 1]);
        }
        double total = 0;
        for (var k = 0; k < 6; k++)
        {
            var yy = Math.Clamp(iy - 2 + k, 0, h - 1);
            var row = yy * w;
            double acc = 0;
            for (var m = 0; m < 6; m++)
            {
                var xx = Math.Clamp(ix - 2 + m, 0, w - 1);
                acc += d[row + xx] * lut[lx + m];
            }
            total += acc * lut[ly + k];
        }
        int x0 = Math.Clamp(ix, 0, w - 1), x1 = Math.Clamp(ix + 1, 0, w - 1), y0 = Math.Clamp(iy, 0, h - 1) * w, y1 = Math.Clamp(iy + 1, 0, h - 1) * w;
        return Clamp((float)total, d[y0 + x0], d[y0 + x1], d[y1 + x0], d[y1 + x1]);
    }

    // Within the range of the four source pixels around the position (NaN stays NaN: no data stays no data).
    private static float Clamp(float v, float a, float b, float c, float e)
    {
        var lo = Math.Min(Math.Min(a, b), Math.Min(c, e));
        var hi = Math.Max(Math.Max(a, b), Math.Max(c, e));
        return v < lo ? lo : v > hi ? hi : v;
    }

    // Weights of the six taps (offsets -2..3 from floor(x)) for fractional positions 0..1, normalized to sum 1.
    private static float[] BuildLut(Func<double, double> kernel)
    {
        var lut = new float[(LutSteps + 1) * 6];
        for (var s = 0; s <= LutSteps; s++)
        {
            var f = (double)s / LutSteps;
            double total = 0;
            var w = new double[6];
            for (var m = 0; m < 6; m++)
            {
                var t = f - (m - 2);
                w[m] = kernel(t);
                total += w[m];
            }
            for (var m = 0; m < 6; m++) lut[s * 6 + m] = (float)(w[m] / total);
        }
        return lut;
    }

    private static double CubicKernel(double t)
    {
        t = Math.Abs(t);
        const double a = -0.5;
        if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
        if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
        return 0;
    }

    private static double LanczosKernel(double t)
    {
        t = Math.Abs(t);
        if (t < 1e-9) return 1;
        if (t >= 3) return 0;
        var pt = Math.PI * t;
        return 3 * Math.Sin(pt) * Math.Sin(pt / 3) / (pt * pt);
    }
}
