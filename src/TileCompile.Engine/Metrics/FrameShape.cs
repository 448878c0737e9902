using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Metrics;

/// <summary>
/// How round a registered frame's stars are, measured where the reference's stars fall, and what that and the
/// registration's residual say about the frame: a tracking error draws stars into streaks, which a stack should
/// not take at full weight, and a map that fits its stars much worse than the session's others is doubtful.
/// </summary>
public static class FrameShape
{
    /// <summary>Stars measured per frame (the brightest reference stars inside the frame).</summary>
    public const int StarsMeasured = 60;
    /// <summary>
    /// A frame whose mean ellipticity lies this far from the session's, or three robust deviations of the session's
    /// distances when they are wider, is streaked.
    /// </summary>
    public const double ElongationLimit = 0.08;
    /// <summary>A registration residual above this multiple of the session's median (and above <see cref="DoubtfulRmsPx"/>) is doubtful.</summary>
    public const double RmsFactor = 4;
    /// <summary>Residuals below this many pixels are never doubtful.</summary>
    public const double DoubtfulRmsPx = 0.3;
    /// <summary>The factor a streaked or doubtful frame's weight is multiplied by.</summary>
    public const double Penalty = 1e-3;

    /// <summary>
    /// The frame's star ellipticity as a vector (e1, e2) = ((Ixx − Iyy), 2·Ixy) / (Ixx + Iyy), averaged over the stars
    /// at <paramref name="positions"/> (brightest first), from Gaussian-weighted second moments above the local sky.
    /// Round stars average to nearly nothing whatever their noise, since their small ellipticities point every way;
    /// a streak points all of them the same way. Null when fewer than 5 stars could be measured.
    /// </summary>
    public static double[]? Ellipticity(ReadOnlySpan<float> plane, int width, int height, IReadOnlyList<(double X, double Y)> positions)
    {
        double e1 = 0, e2 = 0;
        var count = 0;
        Span<float> ring = stackalloc float[128];
        foreach (var (px, py) in positions)
        {
            if (count >= StarsMeasured) break;
            var x0 = (int)Math.Round(px);
            var y0 = (int)Math.Round(py);
            if (x0 < 10 || y0 < 10 || x0 >= width - 10 || y0 >= height - 10) continue;
            var n = 0;
            for (var dy = -9; dy <= 9 && n < ring.Length; dy++)
            for (var dx = -9; dx <= 9 && n < ring.Length; dx++)
            {
                var r2 = dx * dx + dy * dy;
                if (r2 < 49 || r2 > 81) continue;
                var v = plane[(y0 + dy) * width + x0 + dx];
                if (float.IsFinite(v)) ring[n++] = v;
            }
            if (n < 16) continue;
            var sky = ring[..n];
            sky.Sort();
            double background = sky[n / 2];
            double sw = 0, sxx = 0, syy = 0, sxy = 0;
            for (var dy = -6; dy <= 6; dy++)
            for (var dx = -6; dx <= 6; dx++)
            {
                var v = plane[(y0 + dy) * width + x0 + dx] - background;
                if (!(v > 0)) continue;
                var ddx = x0 + dx - px;
                var ddy = y0 + dy - py;
                var w = v * Math.Exp(-(ddx * ddx + ddy * ddy) / (2 * 2.5 * 2.5));
                sw += w;
                sxx += w * ddx * ddx;
                syy += w * ddy * ddy;
                sxy += w * ddx * ddy;
            }
            var trace = sxx + syy;
            if (!(sw > 0) || !(trace > 0)) continue;
            e1 += (sxx - syy) / trace;
            e2 += 2 * sxy / trace;
            count++;
        }
        return count < 5 ? null : new[] { e1 / count, e2 / count };
    }

    /// <summary>
    /// Each frame's distance from the session's median ellipticity (which holds the optics' own shape, common to all
    /// frames; NaN for a frame not measured), and the robust spread of those distances (NaN with fewer than 3).
    /// </summary>
    public static (List<double> Distances, double Spread) Elongations(IReadOnlyList<double[]?> ellipticities)
    {
        var shaped = ellipticities.Where(e => e is not null).ToList();
        var (m1, m2) = shaped.Count > 0 ? (RobustStats.Median(shaped.Select(e => e![0]).ToList()), RobustStats.Median(shaped.Select(e => e![1]).ToList())) : (0.0, 0.0);
        var distances = ellipticities.Select(e => e is null ? double.NaN : Math.Sqrt((e[0] - m1) * (e[0] - m1) + (e[1] - m2) * (e[1] - m2))).ToList();
        var finite = distances.Where(double.IsFinite).ToList();
        return (distances, finite.Count >= 3 ? 1.4826 * RobustStats.Median(finite) : double.NaN);
    }

    /// <summary>Why a frame should weigh next to nothing, or null when it is fine.</summary>
    /// <param name="elongation">How far the frame's mean ellipticity lies from the session's median ellipticity (NaN when unknown).</param>
    /// <param name="elongationSpread">The robust standard deviation of that distance over the session.</param>
    /// <param name="rmsPx">The frame's registration residual (NaN for the reference or when unknown).</param>
    /// <param name="sessionRmsPx">The session's median residual.</param>
    public static string? Problem(double elongation, double elongationSpread, double rmsPx, double sessionRmsPx)
    {
        var limit = Math.Max(ElongationLimit, double.IsFinite(elongationSpread) ? 3 * elongationSpread : 0);
        if (double.IsFinite(elongation) && elongation > limit)
            return $"its stars are drawn out (ellipticity {elongation:0.00} beyond the session's, more than {limit:0.00}: trailing or a tracking error)";
        if (double.IsFinite(rmsPx) && double.IsFinite(sessionRmsPx) && rmsPx > DoubtfulRmsPx && rmsPx > RmsFactor * sessionRmsPx)
            return $"its registration is doubtful (stars fit to {rmsPx:0.00} px against the session's {sessionRmsPx:0.00} px)";
        return null;
    }
}
