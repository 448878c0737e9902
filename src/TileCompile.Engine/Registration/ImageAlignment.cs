using TileCompile.Engine.Numerics;
using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Registration;

/// <summary>The outcome of aligning a frame's image on the reference's.</summary>
/// <param name="Transform">Refined reference → frame map in the grid of the images given.</param>
/// <param name="PrecisionPx">Expected RMS error of the map over the image (px), from the residual noise and the image's detail.</param>
/// <param name="Iterations">Gauss–Newton steps taken.</param>
public sealed record AlignmentResult(AffineTransform Transform, double PrecisionPx, int Iterations);

/// <summary>
/// Refines a rotation-and-shift map by matching the images themselves, pixel by pixel (Gauss–Newton
/// on the difference, with a gain and an offset for transparency, robust to stars that differ).
/// </summary>
/// <remarks>
/// Stars give a map as good as their centroids. In a field filled with nebulosity the stars are few
/// and faint, while the nebula's knots and filaments, fixed on the sky, carry far more positional
/// information than any centroid of them: matching all of their pixels at once uses it. The images
/// are band-passed first (pixel noise and the sky's slow gradients removed, both of which would only
/// add noise or pull towards the frame's own background), which also keeps bilinear interpolation
/// accurate. The method needs a start within a pixel or two, which stars or phase correlation give.
/// </remarks>
public static class ImageAlignment
{
    /// <summary>
    /// À trous levels of the band-pass: the first two remove pixel noise (the first also a CFA mosaic's
    /// colour pattern) and leave detail smooth enough for bilinear interpolation not to pull the answer
    /// towards whole pixels; structure wider than about 2^4 px goes.
    /// </summary>
    private const int FineLevels = 2, CoarseLevels = 4;

    /// <summary>The best precision (px) alignment is credited with, whatever its noise estimate says.</summary>
    public const double BestPrecision = 0.01;

    /// <summary>About the most pixels one step looks at.</summary>
    public const int MaxSamples = 100_000;

    /// <summary>Most Gauss–Newton steps.</summary>
    public const int MaxIterations = 30;

    /// <summary>
    /// An image to be aligned (either side): band-passed, with the gradients, on first use only, as
    /// most frames of a star field never need it. Safe to share between threads.
    /// </summary>
    public sealed class Prepared
    {
        private readonly Lazy<(ImagePlane Image, float[] GradientX, float[] GradientY)> _filtered;

        internal Prepared(ImagePlane image)
        {
            Width = image.Width;
            Height = image.Height;
            _filtered = new Lazy<(ImagePlane, float[], float[])>(() => Filter(image), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        /// <summary>Width of the image (px).</summary>
        public int Width { get; }
        /// <summary>Height of the image (px).</summary>
        public int Height { get; }
        // Near the borders the smoothing sees past the image; those pixels are left out on both sides.
        internal static int Margin => 2 * ((1 << CoarseLevels) - 1);
        internal ImagePlane Image => _filtered.Value.Image;
        internal float[] GradientX => _filtered.Value.GradientX;
        internal float[] GradientY => _filtered.Value.GradientY;

        private static (ImagePlane, float[], float[]) Filter(ImagePlane image)
        {
            var band = BandPassFilter.Apply(image, FineLevels, CoarseLevels);
            var w = image.Width;
            var h = image.Height;
            var gx = new float[w * h];
            var gy = new float[w * h];
            var d = band.Data;
            for (var y = 1; y < h - 1; y++)
            for (var x = 1; x < w - 1; x++)
            {
                var i = y * w + x;
                gx[i] = 0.5f * (d[i + 1] - d[i - 1]);
                gy[i] = 0.5f * (d[i + w] - d[i - w]);
            }
            return (band, gx, gy);
        }
    }

    /// <summary>Prepares <paramref name="image"/> for alignment (band-pass and gradients are computed on first use).</summary>
    public static Prepared Prepare(ImagePlane image) => new(image);

    /// <summary>
    /// Refines <paramref name="initial"/> (reference → frame, similarity) so that the frame's image,
    /// mapped back, matches the reference's best. Null when the images hold too little detail or the
    /// iteration does not settle.
    /// </summary>
    public static AlignmentResult? Refine(Prepared reference, Prepared frame, AffineTransform initial)
    {
        var w = reference.Width;
        var h = reference.Height;
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        // Centred similarity: x' = a·u − b·v + e, y' = b·u + a·v + f with u = x − cx, v = y − cy.
        var a = 0.5 * (initial.A + initial.D);
        var b = 0.5 * (initial.C - initial.B);
        var (e, f) = initial.Apply(cx, cy);
        double gain = 1, offset = 0;
        var margin = Prepared.Margin;
        // Every second pixel both ways, or more thinly on large frames: they hold far more detail than the
        // answer needs. Samples closer than the fine smoothing's reach share its noise, which the precision
        // below accounts for.
        var stride = Math.Max(2, (int)Math.Ceiling(Math.Sqrt((double)w * h / MaxSamples)));
        var correlation = Math.Max(1.0, (double)(1 << FineLevels) / stride);
        var columns = Math.Max(0, (w - 2 * margin + stride - 1) / stride);
        var rows = Math.Max(0, (h - 2 * margin + stride - 1) / stride);
        var samples = new Samples(columns * rows);
        var grid = new SampleGrid(margin, stride, columns, rows, cx, cy);
        var rd = reference.Image.Data;
        var fd = frame.Image.Data;
        var fw = frame.Width;
        var fh = frame.Height;
        var normal = new double[6, 6];
        var upper = new double[36];
        var rhs = new double[6];
        var spread = new float[Math.Min(samples.Residual.Length, 20_001)];
        double precision = double.NaN;
        var lastMove = double.PositiveInfinity;
        var redescending = false;
        var masked = false;
        var iteration = 0;
        for (; iteration < MaxIterations; iteration++)
        {
            // First the residual of every sample under the current map.
            var norm = a * a + b * b;
            var count = Residuals(grid, samples, rd, w, fd, fw, fh, a, b, e, f, gain, offset);
            if (count < 100) return null;
            var scale = samples.RobustSpread(spread);
            if (redescending)
            {
                // Decided once, then kept: a mask that changed from step to step would keep the answer moving.
                if (!masked) samples.MarkOutliers(columns, rows, RejectionSigmas * scale);
                masked = true;
                samples.ApplyMask();
            }

            // Then the normal equations, each sample weighted by how well it fits.
            Accumulate(grid, samples, reference, a, b, norm, scale, redescending, upper, rhs);
            for (var p = 0; p < 6; p++)
            for (var q = 0; q < 6; q++)
                normal[p, q] = q >= p ? upper[p * 6 + q] : upper[q * 6 + p];
            if (LinearSystem.Solve(normal, rhs) is not { } step) return null;
            a += step[0];
            b += step[1];
            e += step[2];
            f += step[3];
            gain += step[4];
            offset += step[5];
            if (gain <= 0.05 || Math.Abs(a) > 2 || Math.Abs(b) > 2) return null;
            // Precision from the inverse normal matrix: σ²·(JᵀWJ)⁻¹, σ the robust residual spread, carried to a
            // grid across the image and widened by how many neighbouring samples share their noise.
            var covariance = LinearSystem.Invert(normal);
            precision = covariance is null ? double.NaN : scale * correlation * GridSpread(covariance, w, h);
            // Settled when no part of the image moves by more than a thousandth of a pixel per step.
            var reach = 0.5 * Math.Max(w, h);
            lastMove = Math.Abs(step[2]) + Math.Abs(step[3]) + reach * (Math.Abs(step[0]) + Math.Abs(step[1]));
            if (lastMove < 1e-3 && redescending) { iteration++; break; }
            // Close to the answer, pixels that do not fit at all (a satellite trail, a star that is not in the
            // reference) stop counting, with their surroundings; far from it they must still be heard, or the
            // start would decide.
            if (lastMove < 0.05) redescending = true;
        }
        if (lastMove >= 1e-3 || !double.IsFinite(precision)) return null;
        var transform = new AffineTransform(a, -b, e - a * cx + b * cy, b, a, f - b * cx - a * cy);
        return new AlignmentResult(transform, Math.Max(precision, BestPrecision), iteration);
    }

    // Where the samples are: every stride-th pixel inside the margin, about the image's centre.
    private readonly record struct SampleGrid(int Margin, int Stride, int Columns, int Rows, double Cx, double Cy);

    // Each sample's frame value and residual (gain·frame + offset − reference) under the map (a, b, e, f); returns how many are valid.
    private static int Residuals(SampleGrid grid, Samples samples, float[] rd, int w, float[] fd, int fw, int fh, double a, double b, double e, double f,
        double gain, double offset)
    {
        var (margin, stride) = (grid.Margin, grid.Stride);
        var count = 0;
        for (var row = 0; row < grid.Rows; row++)
        {
            var y = margin + row * stride;
            var v = y - grid.Cy;
            for (var column = 0; column < grid.Columns; column++)
            {
                var k = row * grid.Columns + column;
                var x = margin + column * stride;
                var u = x - grid.Cx;
                var px = a * u - b * v + e;
                var py = b * u + a * v + f;
                samples.Valid[k] = px >= margin && py >= margin && px < fw - margin - 1 && py < fh - margin - 1;
                if (!samples.Valid[k]) continue;
                var x0 = (int)px;
                var y0 = (int)py;
                var value = Bilinear(fd, y0 * fw + x0, fw, px - x0, py - y0);
                samples.Value[k] = (float)value;
                samples.Residual[k] = (float)(gain * value + offset - rd[y * w + x]);
                count++;
            }
        }
        return count;
    }

    // The upper triangle of JᵀWJ and −JᵀWr over the valid samples, each weighted by how well it fits.
    private static void Accumulate(SampleGrid grid, Samples samples, Prepared reference, double a, double b, double norm, double scale, bool redescending,
        double[] upper, double[] rhs)
    {
        var (margin, stride, w) = (grid.Margin, grid.Stride, reference.Width);
        Array.Clear(upper);
        Array.Clear(rhs);
        Span<double> j = stackalloc double[6];
        for (var row = 0; row < grid.Rows; row++)
        {
            var y = margin + row * stride;
            var v = y - grid.Cy;
            for (var column = 0; column < grid.Columns; column++)
            {
                var k = row * grid.Columns + column;
                if (!samples.Valid[k]) continue;
                var r = samples.Residual[k];
                var weight = Weight(r, scale, redescending);
                if (weight == 0) continue;
                var x = margin + column * stride;
                var u = x - grid.Cx;
                // The frame's gradient at the mapped point, taken from the reference's (turned into the
                // frame's axes): gradients of the noisy frame at fractional positions share noise with
                // the interpolated values and would pull the answer towards whole-pixel shifts.
                var ri = y * w + x;
                var rx = reference.GradientX[ri];
                var ry = reference.GradientY[ri];
                var gx = (a * rx - b * ry) / norm;
                var gy = (b * rx + a * ry) / norm;
                j[0] = gx * u + gy * v;
                j[1] = -gx * v + gy * u;
                j[2] = gx;
                j[3] = gy;
                j[4] = samples.Value[k];
                j[5] = 1;
                for (var p = 0; p < 6; p++)
                {
                    var wj = weight * j[p];
                    rhs[p] -= wj * r;
                    for (var q = p; q < 6; q++) upper[p * 6 + q] += wj * j[q];
                }
            }
        }
    }

    // RMS over the frame grid of √(trace of the position covariance) for unit residual spread, from the
    // covariance of (a, b, e, f) in the centred parametrisation: dx = u·da − v·db + de, dy = v·da + u·db + df.
    private static double GridSpread(double[,] c, int w, int h) =>
        FrameGrid.Rms(w, h, (x, y) =>
        {
            var u = x - (w - 1) / 2.0;
            var v = y - (h - 1) / 2.0;
            double[] jx = { u, -v, 1, 0 }, jy = { v, u, 0, 1 };
            double sum = 0;
            for (var p = 0; p < 4; p++)
            for (var q = 0; q < 4; q++)
                sum += (jx[p] * jx[q] + jy[p] * jy[q]) * c[p, q];
            return sum;
        });

    // Residuals beyond this many robust sigmas do not fit at all (Tukey's biweight cut-off).
    private const double RejectionSigmas = 4.685;

    // Per-sample state of one Gauss–Newton step on the sampling grid.
    private sealed class Samples
    {
        public Samples(int count)
        {
            Residual = new float[count];
            Value = new float[count];
            Valid = new bool[count];
            Rejected = new bool[count];
        }

        public float[] Residual { get; }
        public float[] Value { get; }

        // 1.4826 × the median absolute deviation of the valid residuals, from at most 20,000 of them.
        public double RobustSpread(float[] buffer)
        {
            var step = Math.Max(1, (Residual.Length + 19_999) / 20_000);
            var n = 0;
            for (var k = 0; k < Residual.Length; k += step)
                if (Valid[k]) buffer[n++] = Residual[k];
            if (n == 0) return 1e-9;
            var median = (float)RobustStats.MedianInPlace(buffer.AsSpan(0, n));
            n = 0;
            for (var k = 0; k < Residual.Length; k += step)
                if (Valid[k]) buffer[n++] = Math.Abs(Residual[k] - median);
            return Math.Max(1.4826 * RobustStats.MedianInPlace(buffer.AsSpan(0, n)), 1e-9);
        }
        public bool[] Valid { get; }
        private bool[] Rejected { get; }

        // A trail or a star missing from the other image has faint wings that do not quite reach the cut-off
        // but still do not fit: the samples next to an outlier are left out with it.
        public void MarkOutliers(int columns, int rows, double limit)
        {
            var outlier = new bool[Residual.Length];
            for (var k = 0; k < Residual.Length; k++) outlier[k] = Valid[k] && Math.Abs(Residual[k]) > limit;
            for (var row = 0; row < rows; row++)
            for (var column = 0; column < columns; column++)
            {
                var rejected = false;
                for (var dy = -1; dy <= 1 && !rejected; dy++)
                for (var dx = -1; dx <= 1 && !rejected; dx++)
                {
                    var r = row + dy;
                    var c = column + dx;
                    rejected = r >= 0 && c >= 0 && r < rows && c < columns && outlier[r * columns + c];
                }
                Rejected[row * columns + column] = rejected;
            }
        }

        public void ApplyMask()
        {
            for (var k = 0; k < Valid.Length; k++) Valid[k] &= !Rejected[k];
        }
    }

    // Huber weights while converging: a star sharper or brighter here than in the reference only counts a little.
    // Tukey's biweight near the answer: residuals beyond 4.7 σ count not at all.
    private static double Weight(double residual, double scale, bool redescending)
    {
        if (double.IsNaN(scale)) return 1;
        var r = Math.Abs(residual);
        if (!redescending) return r <= 1.5 * scale ? 1 : 1.5 * scale / r;
        var t = r / (RejectionSigmas * scale);
        return t >= 1 ? 0 : (1 - t * t) * (1 - t * t);
    }

    private static double Bilinear(float[] d, int i0, int w, double tx, double ty)
    {
        var top = d[i0] + tx * (d[i0 + 1] - d[i0]);
        var bottom = d[i0 + w] + tx * (d[i0 + w + 1] - d[i0 + w]);
        return top + ty * (bottom - top);
    }
}
