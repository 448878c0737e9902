using TileCompile.Engine.Imaging;
using TileCompile.Engine.Registration;

namespace TileCompile.Engine.Metrics;

/// <summary>
/// Frame and tile weights chosen for signal-to-noise. A frame normalized to background 1 carries a
/// star with relative signal s (its transparency, measured on the reference's stars) and pixel noise σ;
/// the weighted mean Σw·x/Σw has the best signal-to-noise at w ∝ s/σ². Per tile, a point source of
/// FWHM F spreads its signal over an area ∝ F², so its peak's signal-to-noise is best at
/// w ∝ s/(σ²·F²): sharpening never costs more than it gains.
/// </summary>
public static class SnrWeighting
{
    /// <summary>Fewest matched stars from which a transparency is measured (1 otherwise).</summary>
    public const int MinStars = 5;

    /// <summary>Aperture fluxes of <paramref name="stars"/> (positions in <paramref name="plane"/>), NaN where a star is not measurable.</summary>
    public static double[] StarFluxes(ImagePlane plane, BackgroundModel background, IReadOnlyList<(double X, double Y)> stars)
    {
        var flux = new double[stars.Count];
        for (var i = 0; i < stars.Count; i++)
            flux[i] = StarDetector.Measure(plane, background, stars[i].X, stars[i].Y) is { Flux: > 0 } m ? m.Flux : double.NaN;
        return flux;
    }

    /// <summary>Median ratio of a frame's star fluxes to the reference's; 1 when fewer than <see cref="MinStars"/> stars are measured in both.</summary>
    public static double Transparency(IReadOnlyList<double> frame, IReadOnlyList<double> reference)
    {
        var ratios = new List<double>();
        for (var i = 0; i < Math.Min(frame.Count, reference.Count); i++)
            if (double.IsFinite(frame[i]) && double.IsFinite(reference[i]) && reference[i] > 0) ratios.Add(frame[i] / reference[i]);
        return ratios.Count >= MinStars ? RobustStats.Median(ratios) : 1;
    }

    /// <summary>Weights s/σ², scaled to a median of 1 (frames without a usable noise get the median).</summary>
    public static double[] GlobalWeights(IReadOnlyList<double> transparency, IReadOnlyList<double> noise)
    {
        var w = new double[noise.Count];
        for (var i = 0; i < w.Length; i++)
            w[i] = noise[i] > 0 && double.IsFinite(noise[i]) ? Math.Max(transparency[i], 0) / (noise[i] * noise[i]) : double.NaN;
        var median = RobustStats.Median(w);
        for (var i = 0; i < w.Length; i++) w[i] = double.IsFinite(w[i]) && median > 0 ? w[i] / median : 1;
        return w;
    }

    /// <summary>
    /// A tile's factor (F̃/F)^<paramref name="exponent"/> for a frame of FWHM <paramref name="fwhm"/> where the frames' median is
    /// <paramref name="medianFwhm"/>; the ratio is held within [0.5, 2] so one mis-measured tile cannot take over.
    /// </summary>
    public static double SharpnessFactor(double fwhm, double medianFwhm, double exponent)
    {
        if (!(fwhm > 0) || !(medianFwhm > 0)) return 1;
        return Math.Pow(Math.Clamp(medianFwhm / fwhm, 0.5, 2), exponent);
    }
}
