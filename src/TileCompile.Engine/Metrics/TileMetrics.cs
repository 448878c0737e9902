using TileCompile.Engine.Imaging;
using TileCompile.Engine.Registration;

namespace TileCompile.Engine.Metrics;

/// <summary>
/// One frame plane's quality per tile: for STAR tiles the seeing (from a plane fitted to all the frame's measured
/// stars), the stars' roundness and the frame's contrast; for STRUCTURE tiles the gradient energy over the noise and
/// the background.
/// </summary>
public static class TileMetrics
{
    /// <summary>Aperture radius (px) of the half-flux diameter measured per star.</summary>
    public const int SizeRadius = 8;

    /// <summary>
    /// The three metrics of every tile of <paramref name="plane"/> (a normalized frame plane): STAR tiles FWHM,
    /// roundness, contrast; STRUCTURE tiles E/σ, background, 0. <paramref name="fieldStars"/> are the reference stars
    /// [x, y, flux] to measure.
    /// </summary>
    public static (double[] M1, double[] M2, double[] M3) Measure(ImagePlane plane, IReadOnlyList<(int X, int Y)> tiles, int tileSize, IReadOnlyList<bool> isStar,
        IReadOnlyList<double[]> fieldStars)
    {
        var nt = tiles.Count;
        var (m1, m2, m3) = (new double[nt], new double[nt], new double[nt]);
        var bg = BackgroundModel.Estimate(plane, 32);
        // Seeing varies smoothly over the field: a robust plane fitted to every measured star of the
        // frame estimates each tile's FWHM far more precisely than the few stars inside the tile.
        var measured = new List<Star>();
        // Contrast per star: its peak here over its flux in the reference, which does not depend on how
        // bright each star is (transparency and sharpness, not the mix of stars measured).
        var contrast = new List<double>();
        foreach (var s in fieldStars)
        {
            if (StarDetector.Measure(plane, bg, s[0], s[1]) is not { } m) continue;
            // Size as the half-flux diameter: it follows the seeing linearly, where second moments in a
            // small window flatten out and mostly measure noise.
            var hfd = HalfFluxDiameter.Measure(plane, m.X, m.Y, m.Background, SizeRadius);
            if (!double.IsFinite(hfd)) continue;
            measured.Add(m with { Fwhm = hfd });
            contrast.Add(m.Peak / Math.Max(s[2], 1e-9));
        }
        var field = SeeingField.Fit(measured);
        var fieldContrast = contrast.Count > 0 ? RobustStats.Median(contrast) : 0;
        for (var t = 0; t < nt; t++)
        {
            var (x0, y0) = tiles[t];
            if (isStar[t])
            {
                var inTile = Enumerable.Range(0, measured.Count)
                    .Where(i => measured[i].X >= x0 && measured[i].X < x0 + tileSize && measured[i].Y >= y0 && measured[i].Y < y0 + tileSize).ToList();
                m1[t] = field.At(x0 + tileSize / 2.0, y0 + tileSize / 2.0);
                m2[t] = inTile.Count > 0 ? RobustStats.Median(inTile.Select(i => measured[i].Roundness).ToList()) : field.Roundness;
                // The few stars of one tile make a contrast that jumps with which of them were measured;
                // the frame's median over all stars is steady (seeing across the field is in m1).
                m3[t] = fieldContrast;
            }
            else
            {
                var e = ImageMetrics.GradientEnergy(plane, x0, y0, tileSize, tileSize, step: 2);
                var s = ImageMetrics.Noise(plane, x0, y0, tileSize, tileSize);
                m1[t] = e / Math.Max(s, 1e-9);
                m2[t] = ImageMetrics.Median(plane, x0, y0, tileSize, tileSize);
            }
        }
        return (m1, m2, m3);
    }
}
