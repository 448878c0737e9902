using TileCompile.Engine.Imaging;
using TileCompile.Engine.Registration;

namespace TileCompile.Engine.Metrics;

/// <summary>
/// A frame's seeing as a plane over the field, <c>FWHM(x, y) = a + b·x + c·y</c>, fitted by iteratively
/// clipped least squares to its measured stars, with the median roundness and contrast.
/// </summary>
public sealed record SeeingField(double A, double B, double C, double Roundness, double Contrast, double Low = 0, double High = double.PositiveInfinity)
{
    /// <summary>FWHM at (x, y); NaN when no stars were measured.</summary>
    public double At(double x, double y) => Math.Clamp(A + B * x + C * y, Low, High);

    /// <summary>Fits the field; falls back to a constant (median) with fewer than 10 stars.</summary>
    public static SeeingField Fit(IReadOnlyList<Star> stars)
    {
        var roundness = RobustStats.Median(stars.Select(s => s.Roundness).ToList());
        var contrast = RobustStats.Median(stars.Select(s => s.Peak / Math.Max(s.Background, 1e-6)).ToList());
        var median = RobustStats.Median(stars.Select(s => s.Fwhm).ToList());
        if (stars.Count < 10) return new SeeingField(median, 0, 0, roundness, contrast);
        var use = stars.ToList();
        (double A, double B, double C) p = (median, 0, 0);
        for (var round = 0; round < 3; round++)
        {
            if (use.Count < 10 || Solve(use) is not { } fit) break;
            p = fit;
            var residuals = use.Select(s => Math.Abs(s.Fwhm - (p.A + p.B * s.X + p.C * s.Y))).ToList();
            var limit = 3 * 1.4826 * RobustStats.Median(residuals);
            var kept = use.Where((s, i) => residuals[i] <= limit).ToList();
            if (kept.Count == use.Count) break;
            use = kept;
        }
        // No extrapolation beyond what the stars support: a plane tilted by a few outliers would otherwise
        // promise an impossibly sharp (or soft) corner, and that tile's weight would follow it.
        var values = (use.Count > 0 ? use : stars).Select(s => p.A + p.B * s.X + p.C * s.Y).ToList();
        return new SeeingField(p.A, p.B, p.C, roundness, contrast, values.Min(), values.Max());
    }

    private static (double A, double B, double C)? Solve(List<Star> stars)
    {
        // Normal equations of a plane, centred for conditioning.
        double mx = stars.Average(s => s.X), my = stars.Average(s => s.Y), mf = stars.Average(s => s.Fwhm);
        double sxx = 0, sxy = 0, syy = 0, sxf = 0, syf = 0;
        foreach (var s in stars)
        {
            double dx = s.X - mx, dy = s.Y - my, df = s.Fwhm - mf;
            sxx += dx * dx; sxy += dx * dy; syy += dy * dy; sxf += dx * df; syf += dy * df;
        }
        var det = sxx * syy - sxy * sxy;
        if (Math.Abs(det) < 1e-9) return null;
        var b = (sxf * syy - syf * sxy) / det;
        var c = (syf * sxx - sxf * sxy) / det;
        return (mf - b * mx - c * my, b, c);
    }
}
