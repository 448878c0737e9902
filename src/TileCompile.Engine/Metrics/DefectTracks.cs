using TileCompile.Engine.Imaging;
using TileCompile.Engine.Registration;

namespace TileCompile.Engine.Metrics;

/// <summary>How much of a set of known sensor defects is left in a stack.</summary>
/// <param name="Tracks">Defects whose track was measured (at least one point away from stars and edges).</param>
/// <param name="Above8Sigma">Tracks with a point more than 8σ above its surroundings.</param>
/// <param name="Above3SigmaMean">Tracks whose points average more than 3σ above their surroundings.</param>
/// <param name="MaxSigma">The highest point of any track, in σ.</param>
/// <param name="Highest">Where that point is, in the stack's pixels.</param>
public sealed record TrackCensus(int Tracks, int Above8Sigma, int Above3SigmaMean, double MaxSigma, (double X, double Y) Highest = default);

/// <summary>
/// The census of hot-pixel tracks: a hot sensor pixel that survives stacking leaves one point per frame where that
/// frame put it, a track along the dither and drift path. Given each defect's points in the stack's coordinates (the
/// caller knows the sensor defects and every frame's placement, as the sample generator does), each point is measured
/// against the median of the ring 2–3 px around it, in the plane's pixel noise.
/// </summary>
public static class DefectTracks
{
    /// <summary>The guard radius around a star of <paramref name="flux"/> (ADU): 5 px, wider for bright stars' wings.</summary>
    public static double GuardRadius(double flux) => 5 + 3 * Math.Max(0, Math.Log10(flux / 1000));

    /// <summary>
    /// Counts the tracks left in <paramref name="planes"/>; <paramref name="stars"/> are places to stay away from,
    /// each with its radius.
    /// </summary>
    public static TrackCensus Census(IReadOnlyList<float[]> planes, int width, int height, IReadOnlyList<IReadOnlyList<(double X, double Y)>> tracks,
        IReadOnlyList<(double X, double Y, double R)> stars)
    {
        var noise = planes.Select(p => HotPixelFilter.PixelNoise(new ImagePlane(width, height, p))).ToArray();
        // A coarse grid of the stars, so each point asks only its neighbourhood.
        const int cell = 16;
        var gw = width / cell + 1;
        var grid = new List<(double X, double Y, double R)>?[gw * (height / cell + 1)];
        foreach (var s in stars)
        {
            if (s.X < 0 || s.Y < 0 || s.X >= width || s.Y >= height) continue;
            var k = (int)(s.Y / cell) * gw + (int)(s.X / cell);
            (grid[k] ??= new()).Add(s);
        }
        bool NearStar(double x, double y)
        {
            var cx = (int)(x / cell);
            var cy = (int)(y / cell);
            // Guards reach at most about 17 px, two cells.
            for (var j = cy - 2; j <= cy + 2; j++)
            for (var i = cx - 2; i <= cx + 2; i++)
            {
                if (i < 0 || j < 0 || i >= gw || j * gw + i >= grid.Length || grid[j * gw + i] is not { } list) continue;
                foreach (var s in list)
                    if ((s.X - x) * (s.X - x) + (s.Y - y) * (s.Y - y) < s.R * s.R) return true;
            }
            return false;
        }

        int measured = 0, above8 = 0, above3 = 0;
        var max = double.NegativeInfinity;
        (double X, double Y) where = default;
        Span<float> ring = stackalloc float[24];
        foreach (var track in tracks)
        {
            double sum = 0, highest = double.NegativeInfinity;
            var points = 0;
            foreach (var (px, py) in track)
            {
                var x = (int)Math.Round(px);
                var y = (int)Math.Round(py);
                if (x < 4 || y < 4 || x >= width - 4 || y >= height - 4 || NearStar(px, py)) continue;
                var best = double.NegativeInfinity;
                for (var c = 0; c < planes.Count; c++)
                {
                    if (!(noise[c] > 0)) continue;
                    var p = planes[c];
                    var v = p[y * width + x];
                    if (!float.IsFinite(v)) continue;
                    var n = 0;
                    for (var dy = -3; dy <= 3; dy++)
                    for (var dx = -3; dx <= 3; dx++)
                    {
                        var r2 = dx * dx + dy * dy;
                        if (r2 < 4 || r2 > 9 || n >= ring.Length) continue;
                        var t = p[(y + dy) * width + x + dx];
                        if (float.IsFinite(t)) ring[n++] = t;
                    }
                    if (n < 8) continue;
                    var around = ring[..n];
                    around.Sort();
                    var median = n % 2 == 1 ? around[n / 2] : 0.5 * (around[n / 2 - 1] + around[n / 2]);
                    best = Math.Max(best, (v - median) / noise[c]);
                }
                if (double.IsNegativeInfinity(best)) continue;
                sum += best;
                points++;
                highest = Math.Max(highest, best);
                if (best > max) (max, where) = (best, (px, py));
            }
            if (points == 0) continue;
            measured++;
            if (highest > 8) above8++;
            if (sum / points > 3) above3++;
        }
        return new TrackCensus(measured, above8, above3, measured == 0 ? double.NaN : max, where);
    }
}
