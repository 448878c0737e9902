using TileCompile.Engine.Imaging;
using TileCompile.Engine.Registration;

namespace TileCompile.Engine.Metrics;

/// <summary>What a stacked image is judged by, each measured the same way on any stack.</summary>
/// <param name="FwhmPx">Median FWHM of isolated, unsaturated stars (elliptical Moffat, free β); NaN without such stars.</param>
/// <param name="FwhmStars">How many stars the FWHM is the median of.</param>
/// <param name="ApertureSnr">Median over the star set of its flux in the aperture over the scatter of empty apertures.</param>
/// <param name="SnrStars">How many stars the aperture SNR is the median of.</param>
/// <param name="ApertureNoise">Scatter (robust) of the sums of empty apertures.</param>
/// <param name="PixelNoise">Robust per-pixel noise of the background.</param>
/// <param name="StarsAt5Sigma">Stars detected at 5σ of the matched-filtered image.</param>
/// <param name="DarkestRingSigma">The darkest pixel 2.5–9 px from the brightest stars, in pixel-noise sigmas below the local sky.</param>
/// <param name="HotResidue">Pixels (or 1-px wide tracks) standing more than 8σ above their neighbourhood, away from detected stars, summed over the planes.</param>
/// <param name="ColdResidue">The same below.</param>
/// <param name="HfdPx">Median half-flux diameter of the same stars as the FWHM: twice their flux-weighted mean radius within 10 px.</param>
/// <param name="EmptyApertures">How many empty apertures the aperture noise is the scatter of.</param>
public sealed record QualityFigures(double FwhmPx, int FwhmStars, double ApertureSnr, int SnrStars, double ApertureNoise, double PixelNoise,
    int StarsAt5Sigma, double DarkestRingSigma, int HotResidue, int ColdResidue, double HfdPx = double.NaN, int EmptyApertures = 0);

/// <summary>A stacked image prepared for measurement: its luminance, sky noise and detected stars.</summary>
public sealed class StackField
{
    internal StackField(ImagePlane luminance, IReadOnlyList<float[]> planes, double pixelNoise, List<Star> stars)
    {
        Luminance = luminance;
        Planes = planes;
        PixelNoise = pixelNoise;
        Stars = stars;
    }

    /// <summary>Mean of the image's planes.</summary>
    public ImagePlane Luminance { get; }
    /// <summary>The image's planes (one for mono, three for RGB).</summary>
    public IReadOnlyList<float[]> Planes { get; }
    /// <summary>Robust per-pixel noise of the luminance background.</summary>
    public double PixelNoise { get; }
    /// <summary>Stars at 5σ, brightest first.</summary>
    public IReadOnlyList<Star> Stars { get; }
}

/// <summary>
/// Measures stacks side by side: sharpness by Moffat fits, signal-to-noise by aperture photometry
/// against empty apertures (which counts the noise correlation interpolation creates, unlike a
/// per-pixel noise), detections, ringing next to bright stars and left-over hot or cold pixels.
/// </summary>
public static class StackQuality
{
    /// <summary>Aperture radius (px) of the signal-to-noise measurement.</summary>
    public const double ApertureRadius = 6;

    /// <summary>Empty apertures the noise is measured on before the star clearance is relaxed.</summary>
    public const int MinEmptyApertures = 400;
    private const double SkyInner = 9;
    private const double SkyOuter = 14;
    private const int Margin = 20;
    private const double IsolationPx = 12;
    private const double StarGuardPx = 2.5;

    /// <summary>Prepares an image of one or more planes of <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static StackField Analyse(IReadOnlyList<float[]> planes, int width, int height)
    {
        var lum = new float[width * height];
        Parallel.For(0, height, y =>
        {
            for (var i = y * width; i < (y + 1) * width; i++)
            {
                double s = 0;
                var n = 0;
                foreach (var p in planes)
                {
                    if (!float.IsFinite(p[i])) continue;
                    s += p[i];
                    n++;
                }
                lum[i] = n == planes.Count ? (float)(s / n) : float.NaN;
            }
        });
        var image = new ImagePlane(width, height, lum);
        var bg = BackgroundModel.Estimate(image, 64);
        var residual = new float[lum.Length];
        Parallel.For(0, height, y =>
        {
            for (var x = 0; x < width; x++) residual[y * width + x] = lum[y * width + x] - bg.At(x, y);
        });
        var noise = RobustStats.SampledSigma(residual, 0);
        // The detector's threshold assumes white noise; an interpolated or drizzled stack's noise is
        // correlated and its smoothed noise is larger. 5σ here means 5σ of the smoothed image as it is.
        var smooth = StarDetector.SmoothGaussian(residual, width, height, parallel: true);
        var smoothNoise = RobustStats.SampledSigma(smooth, 0);
        var correlation = Math.Max(1, smoothNoise / Math.Max(bg.Sigma * StarDetector.SmoothedNoiseFactor, 1e-30));
        var stars = StarDetector.Detect(image, new StarDetectionOptions { Sigma = 5 * correlation, MaxStars = 20000, Parallel = true }, bg);
        return new StackField(image, planes, noise, stars);
    }

    /// <summary>Every figure of <paramref name="field"/>, the aperture SNR over <paramref name="snrStars"/> (positions in this image).</summary>
    public static QualityFigures Measure(StackField field, IReadOnlyList<(double X, double Y)> snrStars)
    {
        // The figures are independent of each other: measured side by side.
        (double Fwhm, int Count) fwhmFit = default;
        (double Scatter, int Count) apertureNoise = default;
        double ring = 0, hfd = 0;
        (int Hot, int Cold) residue = default;
        Parallel.Invoke(() => fwhmFit = MedianFwhm(field), () => apertureNoise = EmptyApertureScatter(field),
            () => residue = Residue(field), () => ring = DarkestRing(field), () => hfd = MedianHfd(field));
        var (fwhm, fwhmCount) = fwhmFit;
        var (hot, cold) = residue;
        var snr = new List<double>();
        foreach (var (x, y) in snrStars)
        {
            var flux = ApertureFlux(field.Luminance, x, y);
            if (double.IsFinite(flux)) snr.Add(flux / apertureNoise.Scatter);
        }
        return new QualityFigures(fwhm, fwhmCount, snr.Count > 0 ? RobustStats.Median(snr) : double.NaN, snr.Count, apertureNoise.Scatter, field.PixelNoise,
            field.Stars.Count, ring, hot, cold, hfd, apertureNoise.Count);
    }

    /// <summary>
    /// Stars fit for photometry: isolated, unsaturated, away from the edges, brightest first; at most
    /// <paramref name="max"/>. Measure them in another stack through <see cref="Match"/>.
    /// </summary>
    public static List<(double X, double Y)> PhotometryStars(StackField field, int max = 300)
    {
        var chosen = new List<(double X, double Y)>();
        foreach (var s in Isolated(field))
        {
            if (IsSaturated(field.Luminance, s.X, s.Y)) continue;
            chosen.Add((s.X, s.Y));
            if (chosen.Count >= max) break;
        }
        return chosen;
    }

    /// <summary>
    /// The similarity that carries positions of <paramref name="from"/> onto <paramref name="to"/> (two
    /// stacks of the same sky on different grids); null when their stars do not match.
    /// </summary>
    public static AffineTransform? Match(StackField from, StackField to)
    {
        var options = new MatchOptions { InlierTolerance = 2.0, RefineStars = 150, MaxScaleDeviation = 0.02 };
        var match = StarMatcher.Match(from.Stars.Take(150).ToList(), to.Stars.Take(150).ToList(), options);
        return match is { Inliers: >= 8 } ? match.Transform : null;
    }

    /// <summary>
    /// Flatness of a stack's background: the medians of <paramref name="block"/>×<paramref name="block"/> blocks (a 5 %
    /// border left out), (99th − 1st percentile) / median. Vignetting, dust shadows and gradients raise it; stars
    /// hardly do (a block's median ignores them). NaN when fewer than 10 blocks fit.
    /// </summary>
    public static double BackgroundSpread(ImagePlane image, int block = 64)
    {
        var bx = image.Width / 20;
        var by = image.Height / 20;
        var medians = new List<double>();
        var values = new List<float>(block * block);
        for (var y = by; y + block <= image.Height - by; y += block)
        for (var x = bx; x + block <= image.Width - bx; x += block)
        {
            values.Clear();
            for (var j = 0; j < block; j++)
            for (var i = 0; i < block; i++)
            {
                var v = image[x + i, y + j];
                if (float.IsFinite(v)) values.Add(v);
            }
            if (values.Count > block * block / 2) medians.Add(RobustStats.Median(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values)));
        }
        if (medians.Count < 10) return double.NaN;
        medians.Sort();
        double Percentile(double q)
        {
            var r = q * (medians.Count - 1);
            var lo = (int)Math.Floor(r);
            var hi = Math.Min(lo + 1, medians.Count - 1);
            return medians[lo] + (r - lo) * (medians[hi] - medians[lo]);
        }
        return (Percentile(0.99) - Percentile(0.01)) / RobustStats.Median(medians);
    }

    /// <summary>
    /// Median half-flux diameter of isolated, unsaturated stars of at least 20σ peak (the FWHM's stars): twice the
    /// flux-weighted mean distance from the centroid within 10 px, above the sky annulus. NaN without such stars.
    /// </summary>
    public static double MedianHfd(StackField field, int max = 400)
    {
        var image = field.Luminance;
        var values = new List<double>();
        foreach (var s in Isolated(field))
        {
            if (values.Count >= max) break;
            if (s.Peak < 20 * field.PixelNoise || IsSaturated(image, s.X, s.Y)) continue;
            var (x0, y0) = (s.X, s.Y);
            if (StarDetector.Measure(image, Sky(image, x0, y0), x0, y0) is { } m && Math.Abs(m.X - x0) < 2 && Math.Abs(m.Y - y0) < 2) (x0, y0) = (m.X, m.Y);
            var sky = Sky(image, x0, y0);
            if (!double.IsFinite(sky)) continue;
            const int r = 10;
            var (cx, cy) = ((int)Math.Round(x0), (int)Math.Round(y0));
            if (cx < r || cy < r || cx >= image.Width - r || cy >= image.Height - r) continue;
            double flux = 0, moment = 0;
            var complete = true;
            for (var y = cy - r; y <= cy + r && complete; y++)
            for (var x = cx - r; x <= cx + r; x++)
            {
                var d = Math.Sqrt((x - x0) * (x - x0) + (y - y0) * (y - y0));
                if (d > r) continue;
                var v = image[x, y];
                if (!float.IsFinite(v)) { complete = false; break; }
                flux += v - sky;
                moment += (v - sky) * d;
            }
            if (complete && flux > 0) values.Add(2 * moment / flux);
        }
        return values.Count > 0 ? RobustStats.Median(values) : double.NaN;
    }

    /// <summary>Flux in the aperture above the median of a sky annulus (9–14 px); NaN near edges or missing data.</summary>
    public static double ApertureFlux(ImagePlane image, double x0, double y0)
    {
        // Re-centre on the star in this image (positions from another stack carry its registration error).
        if (StarDetector.Measure(image, Sky(image, x0, y0), x0, y0) is { } m && Math.Abs(m.X - x0) < 2 && Math.Abs(m.Y - y0) < 2) (x0, y0) = (m.X, m.Y);
        var sky = Sky(image, x0, y0);
        return double.IsFinite(sky) ? DiskSum(image, x0, y0, sky) : double.NaN;
    }

    /// <summary>Robust scatter of the sums of empty apertures (sky-subtracted like a star's) on a grid avoiding stars.</summary>
    public static (double Scatter, int Count) EmptyApertureScatter(StackField field)
    {
        var image = field.Luminance;
        // A scatter from n sums is uncertain by about 1.2/√n, and a few dozen apertures (one per clearance-sized
        // cell) left it uncertain by 15 %, more than the differences between stacks it is meant to show. So the
        // apertures sit on a grid of half their diameter (neighbours overlap and are correlated, but each adds
        // information) wherever they keep clear of every star. Dense fields (a thousand stars on 800×600) leave
        // few places 28 px from every star: keep closer to the stars, down to just outside the sky annulus,
        // until there are enough.
        List<double> sums = new();
        var index = new StarCells(field.Stars, image.Width, image.Height);
        var step = (int)ApertureRadius;
        foreach (var clearance in new[] { 2 * SkyOuter, SkyOuter, SkyInner })
        {
            sums = new List<double>();
            for (var y = Margin; y < image.Height - Margin; y += step)
            {
                for (var x = Margin; x < image.Width - Margin; x += step)
                {
                    if (index.Near(x, y, clearance)) continue;
                    var sky = Sky(image, x, y);
                    if (!double.IsFinite(sky)) continue;
                    var sum = DiskSum(image, x, y, sky);
                    if (double.IsFinite(sum)) sums.Add(sum);
                }
            }
            if (sums.Count >= MinEmptyApertures) break;
        }
        return (sums.Count >= 10 ? RobustStats.Mad(sums) : double.NaN, sums.Count);
    }

    /// <summary>Median Moffat FWHM of isolated, unsaturated stars; with the number of stars it is the median of.</summary>
    public static (double Fwhm, int Count) MedianFwhm(StackField field, int max = 400)
    {
        // Faint stars' fits are noise; stars of at least 20σ peak decide the figure.
        var candidates = Isolated(field).Where(s => s.Peak >= 20 * field.PixelNoise && !IsSaturated(field.Luminance, s.X, s.Y)).ToList();
        var values = new List<double>();
        // The first `max` good fits in brightness order, fitted a chunk at a time side by side.
        const int chunk = 64;
        var fits = new double[chunk];
        for (var start = 0; start < candidates.Count && values.Count < max; start += chunk)
        {
            var count = Math.Min(chunk, candidates.Count - start);
            Parallel.For(0, count, k =>
            {
                var s = candidates[start + k];
                fits[k] = MoffatFit.Fit(field.Luminance, s.X, s.Y) is { } fit && fit.FwhmMinor > 0.5 && fit.FwhmMajor < 3 * fit.FwhmMinor ? fit.Fwhm : double.NaN;
            });
            for (var k = 0; k < count && values.Count < max; k++) if (!double.IsNaN(fits[k])) values.Add(fits[k]);
        }
        return (values.Count > 0 ? RobustStats.Median(values) : double.NaN, values.Count);
    }

    /// <summary>The darkest pixel 2.5–9 px from the <paramref name="brightest"/> brightest stars, in sigmas relative to the local sky (negative below).</summary>
    public static double DarkestRing(StackField field, int brightest = 15)
    {
        var image = field.Luminance;
        var darkest = double.PositiveInfinity;
        foreach (var s in field.Stars.OrderByDescending(s => s.Flux).Take(brightest))
        {
            var sky = Annulus(image, s.X, s.Y, 12, 18);
            if (!double.IsFinite(sky)) continue;
            for (var y = (int)Math.Floor(s.Y - 9); y <= (int)Math.Ceiling(s.Y + 9); y++)
            {
                for (var x = (int)Math.Floor(s.X - 9); x <= (int)Math.Ceiling(s.X + 9); x++)
                {
                    if (x < 0 || y < 0 || x >= image.Width || y >= image.Height) continue;
                    var r2 = (x - s.X) * (x - s.X) + (y - s.Y) * (y - s.Y);
                    if (r2 < 2.5 * 2.5 || r2 > 81) continue;
                    var v = image[x, y];
                    if (float.IsFinite(v)) darkest = Math.Min(darkest, (v - sky) / field.PixelNoise);
                }
            }
        }
        return double.IsFinite(darkest) ? darkest : double.NaN;
    }

    /// <summary>
    /// Pixels standing more than 8σ (of their plane's pixel noise) above or below the median of their
    /// eight neighbours, with at most two neighbours anywhere near them: a hot pixel, or a one-pixel
    /// track a hot pixel leaves across dithered frames. A star's core has all its neighbours near it.
    /// </summary>
    public static (int Hot, int Cold) Residue(StackField field)
    {
        var w = field.Luminance.Width;
        var h = field.Luminance.Height;
        int hot = 0, cold = 0;
        // A sharp star core sampled between two rows is a 1-px wide, 2-px tall peak: the star detector
        // has found it (it rejects one-pixel spikes), so its neighbourhood is not searched for defects.
        var star = new bool[w * h];
        foreach (var s in field.Stars)
        {
            var r = StarGuardPx;
            for (var y = Math.Max(0, (int)Math.Floor(s.Y - r)); y <= Math.Min(h - 1, (int)Math.Ceiling(s.Y + r)); y++)
            for (var x = Math.Max(0, (int)Math.Floor(s.X - r)); x <= Math.Min(w - 1, (int)Math.Ceiling(s.X + r)); x++)
                if ((x - s.X) * (x - s.X) + (y - s.Y) * (y - s.Y) <= r * r) star[y * w + x] = true;
        }
        foreach (var plane in field.Planes)
        {
            var sigma = HotPixelFilter.PixelNoise(new ImagePlane(w, h, plane));
            if (!(sigma > 0)) continue;
            // Rows are independent; their counts are summed.
            Parallel.For(1, h - 1, () => (Hot: 0, Cold: 0), (y, _, counts) =>
            {
                Span<float> ring = stackalloc float[8];
                for (var x = 1; x < w - 1; x++)
                {
                    var i = y * w + x;
                    var v = plane[i];
                    if (!float.IsFinite(v) || star[i]) continue;
                    // The median of the ring lies between its extremes: a pixel within 8σ of all of them can be
                    // neither hot nor cold, and that is nearly every pixel, so the sort below is rarely reached.
                    var lo = Math.Min(Math.Min(Math.Min(plane[i - w - 1], plane[i - w]), Math.Min(plane[i - w + 1], plane[i - 1])),
                        Math.Min(Math.Min(plane[i + 1], plane[i + w - 1]), Math.Min(plane[i + w], plane[i + w + 1])));
                    var hi = Math.Max(Math.Max(Math.Max(plane[i - w - 1], plane[i - w]), Math.Max(plane[i - w + 1], plane[i - 1])),
                        Math.Max(Math.Max(plane[i + 1], plane[i + w - 1]), Math.Max(plane[i + w], plane[i + w + 1])));
                    if (v - lo <= 8 * sigma && hi - v <= 8 * sigma) continue;
                    ring[0] = plane[i - w - 1]; ring[1] = plane[i - w]; ring[2] = plane[i - w + 1]; ring[3] = plane[i - 1];
                    ring[4] = plane[i + 1]; ring[5] = plane[i + w - 1]; ring[6] = plane[i + w]; ring[7] = plane[i + w + 1];
                    var finite = true;
                    foreach (var t in ring) finite &= float.IsFinite(t);
                    if (!finite) continue;
                    ring.Sort();
                    var median = 0.5 * (ring[3] + ring[4]);
                    var up = v - median;
                    if (up > 8 * sigma && v - ring[5] > 0.8 * up) counts.Hot++;
                    var down = median - v;
                    if (down > 8 * sigma && ring[2] - v > 0.8 * down) counts.Cold++;
                }
                return counts;
            }, counts =>
            {
                Interlocked.Add(ref hot, counts.Hot);
                Interlocked.Add(ref cold, counts.Cold);
            });
        }
        return (hot, cold);
    }

    private static IEnumerable<Star> Isolated(StackField field)
    {
        var image = field.Luminance;
        foreach (var s in field.Stars)
        {
            if (s.X < Margin || s.Y < Margin || s.X >= image.Width - Margin || s.Y >= image.Height - Margin) continue;
            var alone = true;
            foreach (var o in field.Stars)
            {
                if (ReferenceEquals(o, s)) continue;
                if ((o.X - s.X) * (o.X - s.X) + (o.Y - s.Y) * (o.Y - s.Y) < IsolationPx * IsolationPx) { alone = false; break; }
            }
            if (alone) yield return s;
        }
    }

    // A clipped (saturated) core is flat: several pixels within 3 % of the peak.
    private static bool IsSaturated(ImagePlane image, double x0, double y0)
    {
        var ix = (int)Math.Round(x0);
        var iy = (int)Math.Round(y0);
        var peak = float.MinValue;
        for (var y = iy - 2; y <= iy + 2; y++) for (var x = ix - 2; x <= ix + 2; x++) peak = Math.Max(peak, image[x, y]);
        var sky = Sky(image, x0, y0);
        var near = 0;
        for (var y = iy - 2; y <= iy + 2; y++) for (var x = ix - 2; x <= ix + 2; x++) if (image[x, y] - sky >= 0.97 * (peak - sky)) near++;
        return near >= 4;
    }

    // Stars bucketed by 32-px cells, so "is a star within d?" looks at a few cells instead of thousands of stars.
    private sealed class StarCells
    {
        private const int Cell = 32;
        private readonly List<Star>[] _cells;
        private readonly int _columns, _rows;

        public StarCells(IReadOnlyList<Star> stars, int width, int height)
        {
            _columns = width / Cell + 1;
            _rows = height / Cell + 1;
            _cells = new List<Star>[_columns * _rows];
            foreach (var s in stars)
            {
                var k = Index(s.X, s.Y);
                (_cells[k] ??= new List<Star>()).Add(s);
            }
        }

        private int Index(double x, double y) =>
            Math.Clamp((int)(y / Cell), 0, _rows - 1) * _columns + Math.Clamp((int)(x / Cell), 0, _columns - 1);

        public bool Near(double x, double y, double distance)
        {
            var reach = (int)Math.Ceiling(distance / Cell);
            var cx = (int)(x / Cell);
            var cy = (int)(y / Cell);
            for (var j = Math.Max(0, cy - reach); j <= Math.Min(_rows - 1, cy + reach); j++)
            for (var i = Math.Max(0, cx - reach); i <= Math.Min(_columns - 1, cx + reach); i++)
            {
                if (_cells[j * _columns + i] is not { } list) continue;
                foreach (var s in list)
                    if ((s.X - x) * (s.X - x) + (s.Y - y) * (s.Y - y) < distance * distance) return true;
            }
            return false;
        }
    }

    private static double Sky(ImagePlane image, double x0, double y0) => Annulus(image, x0, y0, SkyInner, SkyOuter);

    private static double Annulus(ImagePlane image, double x0, double y0, double inner, double outer)
    {
        var values = new List<double>();
        for (var y = (int)Math.Floor(y0 - outer); y <= (int)Math.Ceiling(y0 + outer); y++)
        {
            for (var x = (int)Math.Floor(x0 - outer); x <= (int)Math.Ceiling(x0 + outer); x++)
            {
                if (x < 0 || y < 0 || x >= image.Width || y >= image.Height) return double.NaN;
                var r2 = (x - x0) * (x - x0) + (y - y0) * (y - y0);
                if (r2 < inner * inner || r2 > outer * outer) continue;
                var v = image[x, y];
                if (!float.IsFinite(v)) return double.NaN;
                values.Add(v);
            }
        }
        return RobustStats.Median(values);
    }

    private static double DiskSum(ImagePlane image, double x0, double y0, double sky)
    {
        double sum = 0;
        var r = ApertureRadius;
        for (var y = (int)Math.Floor(y0 - r); y <= (int)Math.Ceiling(y0 + r); y++)
        {
            for (var x = (int)Math.Floor(x0 - r); x <= (int)Math.Ceiling(x0 + r); x++)
            {
                if (x < 0 || y < 0 || x >= image.Width || y >= image.Height) return double.NaN;
                if ((x - x0) * (x - x0) + (y - y0) * (y - y0) > r * r) continue;
                var v = image[x, y];
                if (!float.IsFinite(v)) return double.NaN;
                sum += v - sky;
            }
        }
        return sum;
    }
}
