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

    /// <summary>The proxy prepared for phase correlation (null when too small or not kept).</summary>
    public PhaseCorrelation.Prepared? Correlation { get; init; }

    /// <summary>The frame prepared for image alignment, full resolution (null when not kept).</summary>
    public ImageAlignment.Prepared? Alignment { get; init; }

    /// <summary>Frame width (full-resolution px); 0 when unknown.</summary>
    public int Width { get; init; }

    /// <summary>Frame height (full-resolution px); 0 when unknown.</summary>
    public int Height { get; init; }
}

/// <summary>How a frame's transform is found.</summary>
public enum RegistrationEngine
{
    /// <summary>Triangle matching of stars; phase correlation when that finds nothing.</summary>
    StarMatching,
    /// <summary>Phase correlation of the proxies for every frame, refined on stars; triangle matching when it finds no clear offset.</summary>
    PhaseCorrelation,
}

/// <summary>The outcome of registering one frame.</summary>
/// <param name="Transform">Full-resolution reference → frame map.</param>
/// <param name="RmsPx">RMS residual of the matched stars (full-resolution px); NaN when nothing matched.</param>
/// <param name="Inliers">Matched stars used in the final fit.</param>
/// <param name="Reason">Why the frame cannot be registered; null when it can.</param>
/// <param name="Method">What found the map: <c>stars</c> or <c>phase_correlation</c>.</param>
public sealed record RegistrationOutcome(AffineTransform Transform, double RmsPx, int Inliers, string? Reason, string Method)
{
    /// <summary>
    /// Expected RMS error of the map over the frame (full-resolution px): from the residual, the number
    /// of stars and where they are (stars crowded in one corner pin the rotation down poorly).
    /// NaN when unknown.
    /// </summary>
    public double PrecisionPx { get; init; } = double.NaN;

    /// <summary>True when the map was refined by aligning the images themselves (see <see cref="ImageAlignment"/>).</summary>
    public bool ImageAligned { get; init; }
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
        var (clean, proxy) = Proxy(raw, cfa, saturation);
        // Small cells follow nebulae and galaxies closely enough that their texture is not taken for stars.
        var bg = BackgroundModel.Estimate(proxy, 24);
        var stars = StarDetector.Detect(proxy, new StarDetectionOptions { Sigma = detectionSigma, MaxStars = maxStars }, bg);
        var fwhm = RobustStats.Median(stars.Take(100).Select(s => s.Fwhm).ToList());

        IReadOnlyList<(double, double)> full;
        if (cfa is { } pattern)
        {
            var green = GreenPlane(clean, pattern);
            // The green background is estimated on the half-resolution green (the mean of each cell's two green
            // photosites): the same level, a quarter of the pixels to sort through.
            var gbg = BackgroundModel.Estimate(GreenCells(clean, pattern), 24);
            full = stars.Select(s =>
            {
                var guess = (2 * s.X + 0.5, 2 * s.Y + 0.5);
                var m = StarDetector.Measure(green, gbg.At(s.X, s.Y), guess.Item1, guess.Item2, weightSigma: Math.Max(1.5, s.Fwhm));
                return m is null ? guess : (m.X, m.Y);
            }).ToList();
        }
        else
        {
            full = stars.Select(s => (s.X, s.Y)).ToList();
        }
        return new FrameStars(stars, full, double.IsFinite(fwhm) ? fwhm : 0, bg.Level, bg.Sigma) { Correlation = PhaseCorrelation.Prepare(proxy), Alignment = ImageAlignment.Prepare(clean), Width = raw.Width, Height = raw.Height };
    }

    /// <summary>A raw frame prepared for phase correlation and image alignment, as <see cref="Stars"/> prepares them.</summary>
    public static (PhaseCorrelation.Prepared? Correlation, ImageAlignment.Prepared Alignment) MatchingImages(ImagePlane raw, BayerPattern? cfa, double saturation)
    {
        var (clean, proxy) = Proxy(raw, cfa, saturation);
        return (PhaseCorrelation.Prepare(proxy), ImageAlignment.Prepare(clean));
    }

    // Hot pixels removed and saturated pixels blanked, then 2×2 superpixels for CFA data. Image alignment
    // uses the cleaned frame at full resolution, for CFA data the mosaic itself: the band-pass's first
    // smoothing has no response at the mosaic's 2-pixel colour pattern, so what remains is a luminance with
    // every photosite at its true place. A superpixel sum would put red, green and blue at the corners of
    // one cell, moving its effective centre with the colour of what it shows.
    private static (ImagePlane Clean, ImagePlane Proxy) Proxy(ImagePlane raw, BayerPattern? cfa, double saturation)
    {
        var clean = new ImagePlane(raw.Width, raw.Height, (float[])raw.Data.Clone());
        HotPixelFilter.Clean(clean, mosaic: cfa is not null);
        MarkSaturated(clean, saturation);
        return (clean, cfa is null ? clean : clean.Superpixel());
    }

    /// <summary>Correlation peaks below this many sigmas of the surface are not trusted.</summary>
    public const double MinCorrelationSignificance = 8;

    /// <summary>
    /// A trusted correlation peak is at least this many times higher than any other. Chance peaks of
    /// unrelated star fields reach about 1.35; the stars must then still confirm the offset.
    /// </summary>
    public const double MinCorrelationDistinctness = 1.3;

    /// <summary>Largest field rotation phase correlation searches (degrees either way).</summary>
    public const double MaxCorrelationRotation = 20;

    /// <summary>
    /// Matches a frame to the reference and returns the full-resolution reference → frame map, or
    /// a reason when the frame cannot be registered reliably. With star matching, phase
    /// correlation is tried when the stars give no acceptable answer.
    /// </summary>
    public static RegistrationOutcome Register(FrameStars reference, FrameStars frame, bool cfa, MatchOptions options, int minInliers, double maxRmsPx,
        RegistrationEngine engine = RegistrationEngine.StarMatching)
    {
        // The configured engine goes first; the other one is the fallback, so a frame is excluded only
        // when neither finds a map.
        var first = engine == RegistrationEngine.StarMatching
            ? ByStars(reference, frame, cfa, options, minInliers, maxRmsPx)
            : ByCorrelation(reference, frame, cfa, options, minInliers, maxRmsPx);
        if (first.Reason is null) return Aligned(reference, frame, options, first);
        var second = engine == RegistrationEngine.StarMatching
            ? ByCorrelation(reference, frame, cfa, options, minInliers, maxRmsPx)
            : ByStars(reference, frame, cfa, options, minInliers, maxRmsPx);
        if (second.Reason is null) return Aligned(reference, frame, options, second);
        return first with { Reason = $"{first.Reason}; {second.Reason}" };
    }

    private static RegistrationOutcome ByStars(FrameStars reference, FrameStars frame, bool cfa, MatchOptions options, int minInliers, double maxRmsPx)
    {
        if (frame.Stars.Count < 3)
            return Failed($"only {frame.Stars.Count} stars detected (clouds, focus or exposure?)", "stars");
        if (StarMatcher.Match(reference.Stars, frame.Stars, options) is { } match)
            return Fit(reference, frame, match, cfa, options, minInliers, maxRmsPx, "stars");
        return Failed($"no consistent star match ({frame.Stars.Count} stars detected)", "stars");
    }

    private static RegistrationOutcome ByCorrelation(FrameStars reference, FrameStars frame, bool cfa, MatchOptions options, int minInliers, double maxRmsPx)
    {
        const string method = "phase_correlation";
        if (reference.Correlation is not { } r || frame.Correlation is not { } f)
            return Failed("phase correlation is not possible (frame too small)", method);
        var estimate = PhaseCorrelation.Estimate(r, f, options.AllowRotation ? MaxCorrelationRotation : 0);
        if (estimate is null || estimate.Significance < MinCorrelationSignificance || estimate.Distinctness < MinCorrelationDistinctness)
            return Failed($"phase correlation found no clear offset (peak {estimate?.Significance ?? 0:0.0}σ and {estimate?.Distinctness ?? 0:0.00}× the next; " +
                          $"{MinCorrelationSignificance:0}σ and {MinCorrelationDistinctness:0.0}× needed)", method);
        // The correlation is good to about a binned pixel; the stars within a generous radius settle the rest.
        var match = StarMatcher.Refine(reference.Stars, frame.Stars, estimate.Transform, options, 3 * options.InlierTolerance);
        if (match is null)
        {
            var (dx, dy) = estimate.Transform.Apply(0, 0);
            return Failed($"phase correlation offset ({dx:0.0}, {dy:0.0}) px is confirmed by fewer than 3 stars", method);
        }
        var fitted = Fit(reference, frame, match, cfa, options, minInliers, maxRmsPx, method);
        if (fitted.Reason is null) return fitted;
        var (ox, oy) = estimate.Transform.Apply(0, 0);
        return fitted with { Reason = $"phase correlation offset ({ox:0.0}, {oy:0.0}) px not confirmed: {fitted.Reason}" };
    }

    /// <summary>
    /// Image alignment replaces the stars' map only when its expected error is this many times smaller
    /// than the stars': its estimate counts noise only, not the small systematic pulls (seeing,
    /// interpolation) that make it the worse choice on a plain star field.
    /// </summary>
    public const double AlignmentPrecisionMargin = 2.5;

    /// <summary>
    /// Image alignment may move the stars' map by at most this many times the stars' expected error
    /// (RMS over the frame): a larger move means it settled on a wrong match of a few bright stars.
    /// </summary>
    public const double MaxAlignmentCorrectionSigmas = 6;

    // The stars' map refined on the images themselves, when the images carry clearly more position
    // information than the matched stars (nebulosity filling the field, few or faint stars).
    private static RegistrationOutcome Aligned(FrameStars reference, FrameStars frame, MatchOptions options, RegistrationOutcome outcome)
    {
        if (options.Affine || reference.Alignment is not { } r || frame.Alignment is not { } f || !double.IsFinite(outcome.PrecisionPx)) return outcome;
        if (r.Width != f.Width || r.Height != f.Height) return outcome;
        var starPrecision = outcome.PrecisionPx;
        if (starPrecision < AlignmentPrecisionMargin * ImageAlignment.BestPrecision) return outcome;
        if (ImageAlignment.Refine(r, f, outcome.Transform) is not { } aligned) return outcome;
        if (AlignmentPrecisionMargin * aligned.PrecisionPx >= starPrecision) return outcome;
        if (outcome.Transform.RmsDistance(aligned.Transform, reference.Width, reference.Height) > MaxAlignmentCorrectionSigmas * starPrecision) return outcome;
        return outcome with { Transform = aligned.Transform, ImageAligned = true, PrecisionPx = aligned.PrecisionPx };
    }

    private static RegistrationOutcome Failed(string reason, string method) => new(AffineTransform.Identity, double.NaN, 0, reason, method);

    // Final fit on full-resolution centroids of the matched pairs, weighted by centroid precision, outliers clipped.
    private static RegistrationOutcome Fit(FrameStars reference, FrameStars frame, MatchResult match, bool cfa, MatchOptions options, int minInliers, double maxRmsPx, string method)
    {
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
        var fitted = (From: new List<(double X, double Y)>(), Weights: (List<double>?)null, Residuals: new List<double>());
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
            fitted = (from, weights, residuals);
            // Clip on the median residual: a few blended or noisy stars must not set the limit.
            var limit = Math.Max(3 * 1.4826 * RobustStats.Median(residuals), 0.3);
            var keep = pairs.Where((_, i) => residuals[i] <= limit).ToList();
            if ((keep.Count == pairs.Count && round > 0) || keep.Count < 3) break;
            pairs = keep;
        }
        if (pairs.Count < minInliers)
            return new(transform, rms, pairs.Count, $"only {pairs.Count} matched stars, at least {minInliers} required", method);
        if (rms > maxRmsPx)
            return new(transform, rms, pairs.Count, $"residual {rms:0.00} px exceeds {maxRmsPx:0.00} px", method);
        var precision = SimilarityPrecision(fitted.From, fitted.Weights, fitted.Residuals, reference.Width, reference.Height);
        return new(transform, rms, pairs.Count, null, method) { PrecisionPx = precision };
    }

    // RMS over a grid across the frame of the error a weighted least-squares similarity carries when fitted
    // to stars at these positions with these residuals: s²·(JᵀWJ)⁻¹ carried to each grid point, the scale s²
    // taken from the weighted residuals themselves, so noisy faint stars with little weight do not
    // make a good fit look poor.
    private static double SimilarityPrecision(List<(double X, double Y)> points, List<double>? weights, List<double> residuals,
        int width, int height)
    {
        var n = points.Count;
        if (width <= 0 || height <= 0 || n < 3) return double.NaN;
        double sw = 0, mx = 0, my = 0, chi = 0;
        for (var i = 0; i < n; i++)
        {
            var w = weights?[i] ?? 1;
            sw += w;
            mx += w * points[i].X;
            my += w * points[i].Y;
            chi += w * residuals[i] * residuals[i];
        }
        mx /= sw;
        my /= sw;
        double spread = 0;
        for (var i = 0; i < n; i++)
            spread += (weights?[i] ?? 1) * ((points[i].X - mx) * (points[i].X - mx) + (points[i].Y - my) * (points[i].Y - my));
        if (spread <= 0) return double.NaN;
        // Residuals are 2-D distances: 2n equations, four parameters. About the weighted mean, a and b each
        // carry s²/Σw(u²+v²), tx and ty s²/Σw, uncorrelated.
        var scale = chi / Math.Max(2 * n - 4, 1);
        return FrameGrid.Rms(width, height, (x, y) => 2 * scale / sw + 2 * scale / spread * ((x - mx) * (x - mx) + (y - my) * (y - my)));
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

    // One value per 2×2 cell: the mean of its two green photosites.
    private static ImagePlane GreenCells(ImagePlane raw, BayerPattern pattern)
    {
        var w = raw.Width / 2;
        var h = raw.Height / 2;
        var cells = new ImagePlane(w, h);
        var (ax, ay, bx, by) = (-1, -1, -1, -1);
        for (var y = 0; y < 2; y++)
        for (var x = 0; x < 2; x++)
        {
            if (pattern.ColorAt(x, y) != CfaColor.Green) continue;
            if (ax < 0) (ax, ay) = (x, y); else (bx, by) = (x, y);
        }
        var d = raw.Data;
        for (var y = 0; y < h; y++)
        {
            var rowA = (2 * y + ay) * raw.Width;
            var rowB = (2 * y + by) * raw.Width;
            var o = y * w;
            for (var x = 0; x < w; x++) cells.Data[o + x] = 0.5f * (d[rowA + 2 * x + ax] + d[rowB + 2 * x + bx]);
        }
        return cells;
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

    // After hot-pixel cleaning: a saturated hot pixel has been replaced and is not a saturated star.
    private static void MarkSaturated(ImagePlane clean, double saturation)
    {
        if (!double.IsFinite(saturation)) return;
        var d = clean.Data;
        for (var i = 0; i < d.Length; i++)
            if (d[i] >= saturation) d[i] = float.NaN;
    }
}
