using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Registration;

/// <summary>Options of star detection.</summary>
public sealed record StarDetectionOptions
{
    /// <summary>Detection threshold in background sigmas.</summary>
    public double Sigma { get; init; } = 5;
    /// <summary>Peaks at or above this level (ADU, before background subtraction) are saturated and skipped.</summary>
    public double Saturation { get; init; } = double.PositiveInfinity;
    /// <summary>Most stars returned (brightest first).</summary>
    public int MaxStars { get; init; } = 500;
    /// <summary>Stars flatter than this minor/major ratio (trails, doubles) are skipped.</summary>
    public double MinRoundness { get; init; } = 0.6;
    /// <summary>
    /// Searches and measures on all cores (one large image); off when the caller already works on many images at once.
    /// The stars found are the same either way.
    /// </summary>
    public bool Parallel { get; init; }
}

/// <summary>
/// Finds stars: a smooth background, local maxima above a threshold, Gaussian-weighted centroids
/// (unbiased for symmetric profiles), moment-based FWHM and roundness. Single-pixel spikes and
/// elongated or saturated blobs are rejected.
/// </summary>
public static class StarDetector
{
    private const int Edge = 6;

    /// <summary>Detects stars in <paramref name="image"/>, brightest first.</summary>
    public static List<Star> Detect(ImagePlane image, StarDetectionOptions? options = null, BackgroundModel? background = null)
    {
        options ??= new StarDetectionOptions();
        var bg = background ?? BackgroundModel.Estimate(image);
        var sigma = Math.Max(bg.Sigma, 1e-6);
        var w = image.Width;
        var h = image.Height;
        var d = image.Data;
        // Peaks are found on a copy smoothed with a Gaussian about the size of a star's core: that
        // matched filter lifts a faint, wide star's peak relative to the noise, so soft-seeing frames
        // keep their faint stars. The threshold is in sigmas of the smoothed noise.
        var smooth = SmoothGaussian(d, w, h, options.Parallel);
        var threshold = options.Sigma * sigma * SmoothedNoiseFactor;
        var candidates = Candidates(image, smooth, bg, threshold, options.Parallel);

        var measured = new Star?[candidates.Count];
        void MeasureOne(int k)
        {
            var (cx, cy, peakValue) = candidates[k];
            if (peakValue >= options.Saturation) return;
            var star = Measure(image, bg, cx, cy);
            if (star is null || star.Roundness < options.MinRoundness) return;
            measured[k] = star;
        }
        if (options.Parallel) System.Threading.Tasks.Parallel.For(0, candidates.Count, MeasureOne);
        else for (var k = 0; k < candidates.Count; k++) MeasureOne(k);
        var stars = new List<Star>();
        foreach (var star in measured) if (star is not null) stars.Add(star);
        stars = RejectExtended(stars);
        stars.Sort((a, b) => b.Flux.CompareTo(a.Flux) is var c && c != 0 ? c : a.Y.CompareTo(b.Y) is var c2 && c2 != 0 ? c2 : a.X.CompareTo(b.X));

        return KeepDistinct(stars, options.MaxStars);
    }

    // Peaks of the smoothed image above the threshold that are not single-pixel spikes, in row order. Rows are
    // searched independently and the results put back in order.
    private static List<(int X, int Y, float Value)> Candidates(ImagePlane image, float[] smooth, BackgroundModel bg, double threshold, bool parallel)
    {
        var (w, h, d) = (image.Width, image.Height, image.Data);
        var rows = Math.Max(0, h - 2 * Edge);
        var found = new List<(int X, int Y, float Value)>?[rows];
        void SearchRow(int r)
        {
            var y = Edge + r;
            List<(int X, int Y, float Value)>? list = null;
            for (var x = Edge; x < w - Edge; x++)
            {
                var i = y * w + x;
                var v = smooth[i];
                if (!float.IsFinite(v)) continue;
                var b = bg.At(x, y);
                if (v - b < threshold) continue;
                if (!IsPeak(smooth, i, w, v)) continue;
                if (IsSpike(d, i, w, b)) continue;
                (list ??= new()).Add((x, y, d[i]));
            }
            found[r] = list;
        }
        if (parallel) System.Threading.Tasks.Parallel.For(0, rows, SearchRow);
        else for (var r = 0; r < rows; r++) SearchRow(r);
        var candidates = new List<(int X, int Y, float Value)>();
        foreach (var list in found) if (list is not null) candidates.AddRange(list);
        return candidates;
    }

    // The brighter of two detections closer than 3 px (one star, two peaks), at most maxStars, brightest first.
    private static List<Star> KeepDistinct(List<Star> stars, int maxStars)
    {
        var kept = new List<Star>();
        foreach (var s in stars)
        {
            var duplicate = false;
            foreach (var k in kept)
            {
                if ((k.X - s.X) * (k.X - s.X) + (k.Y - s.Y) * (k.Y - s.Y) < 9) { duplicate = true; break; }
            }
            if (!duplicate) kept.Add(s);
            if (kept.Count >= maxStars) break;
        }
        return kept;
    }

    /// <summary>
    /// Drops detections that belong to extended structure (galaxy cores, nebula knots): much wider
    /// than the typical star, or packed in clumps of local maxima no star field produces.
    /// </summary>
    private static List<Star> RejectExtended(List<Star> stars)
    {
        if (stars.Count < 5) return stars;
        var bright = stars.OrderByDescending(s => s.Flux).Take(Math.Max(5, stars.Count / 2)).ToList();
        var typical = RobustStats.Median(bright.Select(s => s.Fwhm).ToList());
        // Peak over flux: a star concentrates its light, a galaxy core or nebula knot spreads it.
        var concentration = RobustStats.Median(bright.Select(s => s.Peak / s.Flux).ToList());
        var kept = new List<Star>(stars.Count);
        foreach (var s in stars)
        {
            if (s.Fwhm > 1.6 * typical || s.Peak / s.Flux < 0.5 * concentration) continue;
            var neighbours = 0;
            foreach (var o in stars)
            {
                if (!ReferenceEquals(o, s) && (o.X - s.X) * (o.X - s.X) + (o.Y - s.Y) * (o.Y - s.Y) < 64) neighbours++;
            }
            if (neighbours >= 3) continue;
            kept.Add(s);
        }
        return kept;
    }

    // Kernel taps of a Gaussian with sigma 1 px, and the factor by which it lowers white noise (√Σk² in 2-D).
    private static readonly float[] Kernel = BuildKernel();
    internal static readonly double SmoothedNoiseFactor = Kernel.Sum(k => (double)k * k);

    private static float[] BuildKernel()
    {
        var k = new float[5];
        double sum = 0;
        for (var i = 0; i < 5; i++) sum += k[i] = (float)Math.Exp(-(i - 2) * (i - 2) / 2.0);
        for (var i = 0; i < 5; i++) k[i] = (float)(k[i] / sum);
        return k;
    }

    internal static float[] SmoothGaussian(float[] d, int w, int h, bool parallel = false)
    {
        var rows = new float[d.Length];
        var k = Kernel;
        void Across(int y)
        {
            var row = y * w;
            for (var x = 2; x < w - 2; x++)
            {
                var i = row + x;
                rows[i] = k[0] * d[i - 2] + k[1] * d[i - 1] + k[2] * d[i] + k[3] * d[i + 1] + k[4] * d[i + 2];
            }
        }
        var result = new float[d.Length];
        void Down(int y)
        {
            var row = y * w;
            for (var x = 0; x < w; x++)
            {
                var i = row + x;
                result[i] = k[0] * rows[i - 2 * w] + k[1] * rows[i - w] + k[2] * rows[i] + k[3] * rows[i + w] + k[4] * rows[i + 2 * w];
            }
        }
        if (parallel)
        {
            System.Threading.Tasks.Parallel.For(0, h, Across);
            System.Threading.Tasks.Parallel.For(2, Math.Max(2, h - 2), Down);
        }
        else
        {
            for (var y = 0; y < h; y++) Across(y);
            for (var y = 2; y < h - 2; y++) Down(y);
        }
        return result;
    }

    // A cosmic ray or leftover hot pixel puts most of its 3x3 light into one pixel; a star never does.
    private static bool IsSpike(float[] d, int i, int w, double background)
    {
        double sum = 0;
        var centre = d[i] - background;
        for (var dy = -1; dy <= 1; dy++)
        for (var dx = -1; dx <= 1; dx++)
            sum += Math.Max(0, d[i + dy * w + dx] - background);
        return sum > 0 && centre > 0.75 * sum;
    }

    private static bool IsPeak(float[] d, int i, int w, float v)
    {
        // Strictly greater than the already visited half, at least equal to the other half: one peak per plateau.
        return v > d[i - w - 1] && v > d[i - w] && v > d[i - w + 1] && v > d[i - 1]
               && v >= d[i + 1] && v >= d[i + w - 1] && v >= d[i + w] && v >= d[i + w + 1];
    }

    /// <summary>Measures a star near (<paramref name="x0"/>, <paramref name="y0"/>); null when it is not a usable star.</summary>
    public static Star? Measure(ImagePlane image, BackgroundModel bg, double x0, double y0, double weightSigma = 1.5) =>
        Measure(image, bg.At(x0, y0), x0, y0, weightSigma);

    /// <summary>Measures a star near (<paramref name="x0"/>, <paramref name="y0"/>) above a known background level; null when it is not a usable star.</summary>
    public static Star? Measure(ImagePlane image, double background, double x0, double y0, double weightSigma = 1.5)
    {
        var w = image.Width;
        var h = image.Height;
        double cx = x0, cy = y0;
        var b = (float)background;
        const int r = 5;
        var s2 = 2 * weightSigma * weightSigma;
        for (var iteration = 0; iteration < 8; iteration++)
        {
            double sx = 0, sy = 0, s = 0;
            var ix = (int)Math.Round(cx);
            var iy = (int)Math.Round(cy);
            if (ix < r || iy < r || ix >= w - r || iy >= h - r) return null;
            for (var y = iy - r; y <= iy + r; y++)
            {
                for (var x = ix - r; x <= ix + r; x++)
                {
                    var v = image[x, y] - b;
                    if (!float.IsFinite(v)) return null;
                    var dx = x - cx;
                    var dy = y - cy;
                    var wgt = Math.Exp(-(dx * dx + dy * dy) / s2) * v;
                    sx += wgt * x;
                    sy += wgt * y;
                    s += wgt;
                }
            }
            if (s <= 0) return null;
            var nx = sx / s;
            var ny = sy / s;
            var moved = Math.Abs(nx - cx) + Math.Abs(ny - cy);
            cx = nx;
            cy = ny;
            if (Math.Abs(cx - x0) > 3 || Math.Abs(cy - y0) > 3) return null;
            if (moved < 1e-4) break;
        }

        // Aperture flux and second moments (positive pixels) for size and shape.
        double flux = 0, mxx = 0, myy = 0, mxy = 0, m = 0, peak = 0;
        var jx = (int)Math.Round(cx);
        var jy = (int)Math.Round(cy);
        for (var y = jy - r; y <= jy + r; y++)
        {
            for (var x = jx - r; x <= jx + r; x++)
            {
                var dx = x - cx;
                var dy = y - cy;
                var rr = dx * dx + dy * dy;
                if (rr > r * r) continue;
                var v = image[x, y] - b;
                flux += v;
                if (v > peak) peak = v;
                if (v <= 0) continue;
                mxx += v * dx * dx;
                myy += v * dy * dy;
                mxy += v * dx * dy;
                m += v;
            }
        }
        if (flux <= 0 || m <= 0) return null;
        mxx /= m;
        myy /= m;
        mxy /= m;
        var tr = mxx + myy;
        var det = Math.Sqrt(Math.Max(0, (mxx - myy) * (mxx - myy) / 4 + mxy * mxy));
        var l1 = tr / 2 + det;
        var l2 = Math.Max(tr / 2 - det, 1e-9);
        var fwhm = 2.3548 * Math.Sqrt(tr / 2);
        return new Star(cx, cy, flux, peak, fwhm, Math.Sqrt(l2 / l1), b);
    }
}
