using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Registration;

/// <summary>A coarse reference → frame map found by phase correlation, with how clearly it stood out.</summary>
/// <param name="Transform">Reference → frame map in the grid of the images given (rotation about their centre, then shift).</param>
/// <param name="Significance">Correlation peak height above the surface mean, in standard deviations of the surface.</param>
/// <param name="Distinctness">Peak height over the next highest peak elsewhere: a chance alignment of two bright stars stands alone, a real match stands far above it.</param>
public sealed record CorrelationResult(AffineTransform Transform, double Significance, double Distinctness);

/// <summary>
/// Finds the shift (and, by trying rotations, the field rotation) between two images without
/// stars: the phase of their cross-power spectrum. It works on any texture (nebulosity, a
/// handful of stars), so it is the fallback when star matching has too little to work with, and
/// the primary engine when configured. Its answer is coarse (about a pixel of the binned grid)
/// and is refined on stars afterwards.
/// </summary>
public static class PhaseCorrelation
{
    /// <summary>Largest correlation grid (binned pixels); bigger adds time, not reliability.</summary>
    public const int MaxSize = 256;

    /// <summary>A prepared image: binned 2×2, background-flattened, clipped, windowed and transformed.</summary>
    public sealed class Prepared
    {
        internal Prepared(int size, double originX, double originY, float[] binned, int binnedWidth, int binnedHeight, double[] re, double[] im)
        {
            Size = size;
            OriginX = originX;
            OriginY = originY;
            Binned = binned;
            BinnedWidth = binnedWidth;
            BinnedHeight = binnedHeight;
            Re = re;
            Im = im;
        }

        internal int Size { get; }
        internal double OriginX { get; }
        internal double OriginY { get; }
        internal float[] Binned { get; }
        internal int BinnedWidth { get; }
        internal int BinnedHeight { get; }
        internal double[] Re { get; }
        internal double[] Im { get; }
    }

    /// <summary>Prepares an image (the proxy a frame's stars were detected on); null when it is too small.</summary>
    public static Prepared? Prepare(ImagePlane image)
    {
        var bw = image.Width / 2;
        var bh = image.Height / 2;
        var size = MaxSize;
        while (size > Math.Min(bw, bh)) size >>= 1;
        if (size < 32) return null;
        var binned = Normalize(Bin(image, bw, bh), bw, bh);
        var originX = (bw - size) / 2.0;
        var originY = (bh - size) / 2.0;
        var (re, im) = Window(binned, bw, bh, size, originX, originY, 0);
        Fft2D.Transform(re, im, size, inverse: false);
        return new Prepared(size, originX, originY, binned, bw, bh, re, im);
    }

    /// <summary>
    /// Best reference → frame map (in the unbinned grid of the prepared images), trying rotations
    /// within ±<paramref name="maxRotationDegrees"/>; null when the images are not comparable.
    /// </summary>
    public static CorrelationResult? Estimate(Prepared reference, Prepared frame, double maxRotationDegrees)
    {
        if (reference.Size != frame.Size || reference.BinnedWidth != frame.BinnedWidth || reference.BinnedHeight != frame.BinnedHeight) return null;
        var n = reference.Size;
        (double Angle, double Sx, double Sy, double Significance, double Distinctness) best = (0, 0, 0, double.NegativeInfinity, 0);
        void Try(double angle)
        {
            var (re, im) = angle == 0
                ? ((double[])frame.Re.Clone(), (double[])frame.Im.Clone())
                : Transformed(frame, angle);
            var (sx, sy, significance, distinctness) = Correlate(reference, re, im, n);
            if (significance > best.Significance) best = (angle, sx, sy, significance, distinctness);
        }

        const double coarseStep = 2;
        var steps = (int)Math.Ceiling(maxRotationDegrees / coarseStep);
        for (var k = -steps; k <= steps; k++) Try(k * coarseStep);
        if (steps > 0)
        {
            var centre = best.Angle;
            for (var fine = -1.5; fine <= 1.5; fine += 0.5)
                if (fine != 0 && Math.Abs(centre + fine) <= maxRotationDegrees + coarseStep) Try(centre + fine);
        }

        // In the binned crop, sampling the frame at c + R(p − c) shows the reference shifted by s;
        // so the map is q ↦ R(q − C) + C + R·s with C the crop centre in binned frame coordinates.
        var theta = best.Angle * Math.PI / 180;
        var cos = Math.Cos(theta);
        var sin = Math.Sin(theta);
        var cx = reference.OriginX + (n - 1) / 2.0;
        var cy = reference.OriginY + (n - 1) / 2.0;
        var rsx = cos * best.Sx - sin * best.Sy;
        var rsy = sin * best.Sx + cos * best.Sy;
        var binnedMap = new AffineTransform(cos, -sin, cx - cos * cx + sin * cy + rsx, sin, cos, cy - sin * cx - cos * cy + rsy);
        return new CorrelationResult(Unbin(binnedMap), best.Significance, best.Distinctness);
    }

    // Binned pixel b covers unbinned pixels 2b and 2b+1: unbinned x = 2·binned x + 0.5.
    private static AffineTransform Unbin(AffineTransform t) =>
        new(t.A, t.B, 2 * t.Tx + 0.5 - 0.5 * (t.A + t.B), t.C, t.D, 2 * t.Ty + 0.5 - 0.5 * (t.C + t.D));

    private static float[] Bin(ImagePlane image, int bw, int bh)
    {
        var result = new float[bw * bh];
        var w = image.Width;
        var d = image.Data;
        for (var y = 0; y < bh; y++)
        {
            for (var x = 0; x < bw; x++)
            {
                var i = 2 * y * w + 2 * x;
                result[y * bw + x] = 0.25f * (d[i] + d[i + 1] + d[i + w] + d[i + w + 1]);
            }
        }
        return result;
    }

    // A smooth background removed first: a sky gradient or vignetting sits still on the sensor and
    // would pull the peak towards zero shift. Then noise units, compressed by asinh: bright stars
    // cannot dominate, and a bright nebula keeps its texture instead of being cut flat.
    private static float[] Normalize(float[] binned, int bw, int bh)
    {
        var plane = new ImagePlane(bw, bh, binned);
        var bg = BackgroundModel.Estimate(plane, 32);
        var sigma = Math.Max(bg.Sigma, 1e-6);
        for (var y = 0; y < bh; y++)
        {
            for (var x = 0; x < bw; x++)
            {
                var i = y * bw + x;
                var v = (float)((binned[i] - bg.At(x, y)) / sigma);
                binned[i] = float.IsFinite(v) ? MathF.Asinh(v / 3) : 0f;
            }
        }
        return binned;
    }

    private static (double[] Re, double[] Im) Window(float[] binned, int bw, int bh, int n, double originX, double originY, double angleDegrees)
    {
        var re = new double[n * n];
        var im = new double[n * n];
        var hann = new double[n];
        for (var i = 0; i < n; i++) hann[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * (i + 0.5) / n);
        var theta = angleDegrees * Math.PI / 180;
        var cos = Math.Cos(theta);
        var sin = Math.Sin(theta);
        var c = (n - 1) / 2.0;
        for (var y = 0; y < n; y++)
        {
            for (var x = 0; x < n; x++)
            {
                var dx = x - c;
                var dy = y - c;
                var sx = originX + c + cos * dx - sin * dy;
                var sy = originY + c + sin * dx + cos * dy;
                re[y * n + x] = Sample(binned, bw, bh, sx, sy) * hann[x] * hann[y];
            }
        }
        return (re, im);
    }

    private static double Sample(float[] d, int w, int h, double x, double y)
    {
        var x0 = (int)Math.Floor(x);
        var y0 = (int)Math.Floor(y);
        if (x0 < 0 || y0 < 0 || x0 >= w - 1 || y0 >= h - 1) return 0;
        var fx = x - x0;
        var fy = y - y0;
        var i = y0 * w + x0;
        return (1 - fy) * ((1 - fx) * d[i] + fx * d[i + 1]) + fy * ((1 - fx) * d[i + w] + fx * d[i + w + 1]);
    }

    private static (double[] Re, double[] Im) Transformed(Prepared frame, double angle)
    {
        var (re, im) = Window(frame.Binned, frame.BinnedWidth, frame.BinnedHeight, frame.Size, frame.OriginX, frame.OriginY, angle);
        Fft2D.Transform(re, im, frame.Size, inverse: false);
        return (re, im);
    }

    // Normalized cross-power G·conj(F), low-passed so pixel noise cannot make a sharp false peak; its inverse peaks at the shift.
    private static (double Sx, double Sy, double Significance, double Distinctness) Correlate(Prepared reference, double[] re, double[] im, int n)
    {
        var lowPass = n / 6.0;
        for (var v = 0; v < n; v++)
        {
            var fv = v <= n / 2 ? v : v - n;
            for (var u = 0; u < n; u++)
            {
                var fu = u <= n / 2 ? u : u - n;
                var i = v * n + u;
                var gr = re[i];
                var gi = im[i];
                var fr = reference.Re[i];
                var fi = -reference.Im[i];
                var pr = gr * fr - gi * fi;
                var pi = gr * fi + gi * fr;
                var mag = Math.Sqrt(pr * pr + pi * pi);
                // The lowest frequencies carry the window's own shape, identical in any two images: left out.
                var g = mag > 1e-12 && fu * fu + fv * fv > 4 ? Math.Exp(-(fu * fu + fv * fv) / (2 * lowPass * lowPass)) / mag : 0;
                re[i] = pr * g;
                im[i] = pi * g;
            }
        }
        Fft2D.Transform(re, im, n, inverse: true);

        var peak = 0;
        double sum = 0, sumSq = 0;
        for (var i = 0; i < re.Length; i++)
        {
            sum += re[i];
            sumSq += re[i] * re[i];
            if (re[i] > re[peak]) peak = i;
        }
        var px = peak % n;
        var py = peak / n;
        // Statistics of the surface away from the peak.
        double s = 0, ss = 0;
        var count = 0;
        for (var y = -3; y <= 3; y++)
        for (var x = -3; x <= 3; x++)
        {
            var v = re[((py + y + n) % n) * n + (px + x + n) % n];
            s += v;
            ss += v * v;
            count++;
        }
        var rest = re.Length - count;
        var mean = (sum - s) / rest;
        var sd = Math.Sqrt(Math.Max((sumSq - ss) / rest - mean * mean, 1e-30));
        var significance = (re[peak] - mean) / sd;
        // The next peak is the highest local maximum elsewhere: the flanks of a broad main peak do not count.
        var second = double.NegativeInfinity;
        for (var y = 0; y < n; y++)
        {
            for (var x = 0; x < n; x++)
            {
                var v = re[y * n + x];
                if (v <= second) continue;
                var dx = Math.Abs(x - px);
                var dy = Math.Abs(y - py);
                if (Math.Min(dx, n - dx) <= 2 && Math.Min(dy, n - dy) <= 2) continue;
                var isMaximum = true;
                for (var ny = -1; ny <= 1 && isMaximum; ny++)
                for (var nx = -1; nx <= 1; nx++)
                {
                    if ((nx != 0 || ny != 0) && re[((y + ny + n) % n) * n + (x + nx + n) % n] > v) { isMaximum = false; break; }
                }
                if (isMaximum) second = v;
            }
        }
        var distinctness = (re[peak] - mean) / Math.Max(second - mean, 1e-30);

        double At(int x, int y) => re[((y + n) % n) * n + (x + n) % n];
        var ox = Vertex(At(px - 1, py), re[peak], At(px + 1, py));
        var oy = Vertex(At(px, py - 1), re[peak], At(px, py + 1));
        var sx = (px > n / 2 ? px - n : px) + ox;
        var sy = (py > n / 2 ? py - n : py) + oy;
        return (sx, sy, significance, distinctness);
    }

    private static double Vertex(double left, double centre, double right)
    {
        var denominator = left - 2 * centre + right;
        return Math.Abs(denominator) < 1e-30 ? 0 : Math.Clamp(0.5 * (left - right) / denominator, -0.5, 0.5);
    }
}
