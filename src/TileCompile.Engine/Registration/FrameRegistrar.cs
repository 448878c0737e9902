using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Registration;

/// <summary>Stars of a frame: detected on the luminance proxy, positioned at full resolution.</summary>
/// <param name="Stars">Stars, brightest first, in proxy pixels (what matching uses).</param>
/// <param name="FullResolution">The same stars' centroids in full-resolution frame pixels (what the fit uses).</param>
/// <param name="MedianFwhm">Median FWHM of the stars (proxy pixels).</param>
/// <param name="Background">Median background of the proxy.</param>
/// <param name="Noise">Background noise of the proxy.</param>
public sealed record FrameStars(IReadOnlyList<Star> Stars, IReadOnlyList<(double X, double Y)> FullResolution, double MedianFwhm, double Background, double Noise)
{
    /// <summary>Quick quality for choosing the reference: many stars, small FWHM.</summary>
    public double QuickScore => Stars.Count == 0 ? 0 : Math.Min(Stars.Count, 200) / Math.Max(MedianFwhm, 0.5);
}

/// <summary>
/// Registration steps for one frame: the luminance proxy (full resolution for mono, 2×2
/// superpixels for CFA, hot pixels removed first), star detection, matching to the reference, and
/// a final fit on full-resolution centroids (measured on the interpolated green plane for CFA).
/// </summary>
public static class FrameRegistrar
{
    /// <summary>Detects and measures the stars of a raw frame (the input is not modified).</summary>
    public static FrameStars Stars(ImagePlane raw, BayerPattern? cfa, double detectionSigma, double saturation, int maxStars = 400)
    {
        var clean = new ImagePlane(raw.Width, raw.Height, (float[])raw.Data.Clone());
        HotPixelFilter.Clean(clean);
        MarkSaturated(clean, raw, saturation);
        var proxy = cfa is null ? clean : clean.Superpixel();
        // Small cells follow nebulae and galaxies closely enough that their texture is not taken for stars.
        var bg = BackgroundModel.Estimate(proxy, 24);
        var stars = StarDetector.Detect(proxy, new StarDetectionOptions { Sigma = detectionSigma, MaxStars = maxStars }, bg);
        var fwhm = RobustStats.Median(stars.Take(100).Select(s => s.Fwhm).ToList());

        IReadOnlyList<(double, double)> full;
        if (cfa is { } pattern)
        {
            var green = GreenPlane(clean, pattern);
            var gbg = BackgroundModel.Estimate(green, 48);
            full = stars.Select(s =>
            {
                var guess = (2 * s.X + 0.5, 2 * s.Y + 0.5);
                var m = StarDetector.Measure(green, gbg, guess.Item1, guess.Item2, weightSigma: Math.Max(1.5, s.Fwhm));
                return m is null ? guess : (m.X, m.Y);
            }).ToList();
        }
        else
        {
            full = stars.Select(s => (s.X, s.Y)).ToList();
        }
        return new FrameStars(stars, full, double.IsFinite(fwhm) ? fwhm : 0, bg.Level, bg.Sigma);
    }

    /// <summary>
    /// Matches a frame to the reference and returns the full-resolution reference→frame map, or
    /// a reason when the frame cannot be registered reliably.
    /// </summary>
    public static (MatchResult? Match, AffineTransform FullResolution, double RmsPx, int Inliers, string? Reason) Register(
        FrameStars reference, FrameStars frame, bool cfa, MatchOptions options, int minInliers, double maxRmsPx)
    {
        if (frame.Stars.Count < 3)
            return (null, AffineTransform.Identity, double.NaN, 0, $"only {frame.Stars.Count} stars detected (clouds, focus or exposure?)");
        var match = StarMatcher.Match(reference.Stars, frame.Stars, options);
        if (match is null)
            return (null, AffineTransform.Identity, double.NaN, 0, $"no consistent star match ({frame.Stars.Count} stars detected)");

        // Final fit on full-resolution centroids of the matched pairs, weighted by flux, outliers clipped.
        var transform = cfa ? match.Transform.FromHalfResolution() : match.Transform;
        // Start from the matcher's robust map: pairs it does not explain are dropped before any weighted fit.
        var initial = transform;
        var pairs = match.Pairs.Where(p =>
        {
            var (x, y) = initial.Apply(reference.FullResolution[p.Ref].X, reference.FullResolution[p.Ref].Y);
            var to = frame.FullResolution[p.Frame];
            return (x - to.X) * (x - to.X) + (y - to.Y) * (y - to.Y) <= (cfa ? 2.5 : 1.5) * (cfa ? 2.5 : 1.5);
        }).ToList();
        if (pairs.Count < 3) pairs = match.Pairs.ToList();
        double rms = 0;
        for (var round = 0; round < 4; round++)
        {
            var from = pairs.Select(p => reference.FullResolution[p.Ref]).ToList();
            var to = pairs.Select(p => frame.FullResolution[p.Frame]).ToList();
            // The first fit is unweighted, so one wrongly trusted pair (a galaxy core, a blend) cannot steer it;
            // once the clipping has removed such pairs, centroid precision sets the weights.
            var weights = round == 0 ? null : pairs.Select(p => 1 / (CentroidVariance(reference, p.Ref) + CentroidVariance(frame, p.Frame))).ToList();
            transform = options.Affine && pairs.Count >= 6 ? AffineTransform.FitAffine(from, to) : AffineTransform.FitSimilarity(from, to, weights);
            var residuals = pairs.Select((p, i) =>
            {
                var (x, y) = transform.Apply(from[i].X, from[i].Y);
                return Math.Sqrt((x - to[i].X) * (x - to[i].X) + (y - to[i].Y) * (y - to[i].Y));
            }).ToList();
            rms = Math.Sqrt(residuals.Sum(r => r * r) / residuals.Count);
            // Clip on the median residual: a few blended or noisy stars must not set the limit.
            var limit = Math.Max(3 * 1.4826 * RobustStats.Median(residuals), 0.3);
            var keep = pairs.Where((_, i) => residuals[i] <= limit).ToList();
            if ((keep.Count == pairs.Count && round > 0) || keep.Count < 3) break;
            pairs = keep;
        }
        if (pairs.Count < minInliers)
            return (match, transform, rms, pairs.Count, $"only {pairs.Count} matched stars, at least {minInliers} required");
        if (rms > maxRmsPx)
            return (match, transform, rms, pairs.Count, $"residual {rms:0.00} px exceeds {maxRmsPx:0.00} px");
        return (match, transform, rms, pairs.Count, null);
    }

    // Expected centroid variance: (FWHM / (2.355 · SNR))², with a floor for systematic errors (blends, pixelation).
    private static double CentroidVariance(FrameStars stars, int index)
    {
        var s = stars.Stars[index];
        var fwhm = Math.Max(s.Fwhm, 1);
        var pixels = Math.PI * 2.25 * fwhm * fwhm;
        var snr = s.Flux / Math.Sqrt(Math.Max(s.Flux, 0) + pixels * stars.Noise * stars.Noise);
        var sigma = fwhm / (2.355 * Math.Max(snr, 1)) + 0.02;
        return sigma * sigma;
    }

    /// <summary>Green photosites kept, the others filled with the mean of their four green neighbours.</summary>
    public static ImagePlane GreenPlane(ImagePlane raw, BayerPattern pattern)
    {
        var w = raw.Width;
        var h = raw.Height;
        var g = new ImagePlane(w, h);
        var d = raw.Data;
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var i = y * w + x;
                if (pattern.ColorAt(x, y) == CfaColor.Green)
                {
                    g.Data[i] = d[i];
                    continue;
                }
                double sum = 0;
                var n = 0;
                if (x > 0) { sum += d[i - 1]; n++; }
                if (x < w - 1) { sum += d[i + 1]; n++; }
                if (y > 0) { sum += d[i - w]; n++; }
                if (y < h - 1) { sum += d[i + w]; n++; }
                g.Data[i] = (float)(sum / n);
            }
        }
        return g;
    }

    private static void MarkSaturated(ImagePlane clean, ImagePlane raw, double saturation)
    {
        if (!double.IsFinite(saturation)) return;
        for (var i = 0; i < raw.Data.Length; i++)
            if (raw.Data[i] >= saturation) clean.Data[i] = float.NaN;
    }
}
