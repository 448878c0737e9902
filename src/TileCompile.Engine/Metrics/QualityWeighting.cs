using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Metrics;

/// <summary>
/// The published global weighting: <c>Q = α·(−z(B)) + β·(−z(σ)) + γ·z(E)</c> over the session's frames and
/// <c>G = exp(k·clip(Q))</c>; with adaptive weights α, β, γ follow how much each criterion varies in the session.
/// </summary>
public static class QualityWeighting
{
    /// <summary>The frames' quality and weight, and the α, β, γ used.</summary>
    /// <param name="Quality">Q per frame.</param>
    /// <param name="Weight">G per frame.</param>
    /// <param name="Criteria">α, β, γ as used.</param>
    public sealed record Result(double[] Quality, double[] Weight, double[] Criteria);

    /// <summary>
    /// Weights from each frame's background, noise and gradient energy. A difference of <paramref name="relativeFloor"/>
    /// of a criterion's median counts as one standard deviation at most: frames that differ by a percent are alike,
    /// and weights of e^±3 between them would only add noise.
    /// </summary>
    public static Result Weights(IReadOnlyList<double> background, IReadOnlyList<double> noise, IReadOnlyList<double> energy,
        (double Background, double Noise, double Gradient) criteria, bool adaptive, double k, (double Low, double High) clamp, double relativeFloor)
    {
        var zb = RobustStats.ZScores(background.ToList(), relativeFloor);
        var zs = RobustStats.ZScores(noise.ToList(), relativeFloor);
        var ze = RobustStats.ZScores(energy.ToList(), relativeFloor);
        var (a, b, g) = criteria;
        if (adaptive)
        {
            // Weight each criterion by how much it varies in this session, each within [0.1, 0.7].
            var v = new[] { Variance(zb), Variance(zs), Variance(ze) }.Select(x => double.IsFinite(x) ? x : 0).ToArray();
            var total = v.Sum();
            var raw = total > 0 ? v.Select(x => Math.Clamp(x / total, 0.1, 0.7)).ToArray() : new[] { a, b, g };
            var s = raw.Sum();
            (a, b, g) = (raw[0] / s, raw[1] / s, raw[2] / s);
        }
        var n = background.Count;
        var quality = new double[n];
        var weight = new double[n];
        for (var i = 0; i < n; i++)
        {
            quality[i] = a * -zb[i] + b * -zs[i] + g * ze[i];
            weight[i] = Math.Exp(k * Math.Clamp(quality[i], clamp.Low, clamp.High));
        }
        return new Result(quality, weight, new[] { a, b, g });
    }

    private static double Variance(double[] x)
    {
        var m = x.Average();
        return x.Sum(v => (v - m) * (v - m)) / Math.Max(1, x.Length - 1);
    }
}
