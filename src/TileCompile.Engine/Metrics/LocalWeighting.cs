namespace TileCompile.Engine.Metrics;

/// <summary>
/// How steeply a tile's frames are weighted by their quality. Weights w_f = G_f·exp(k·Q_f) sharpen the result
/// as k grows and also raise its noise: a weighted mean of N equally noisy frames has
/// √(N·Σw²)/Σw times the noise of their plain mean. The exponent is the configured k, lowered where
/// needed so that this factor stays within the noise budget: sharpening as much as the noise allows.
/// </summary>
public static class LocalWeighting
{
    /// <summary>The largest exponent in [0, <paramref name="maxExponent"/>] whose weights keep the noise factor within <paramref name="budget"/>.</summary>
    public static double Exponent(IReadOnlyList<double> global, IReadOnlyList<double> quality, double maxExponent, double budget)
    {
        if (NoiseFactor(global, quality, maxExponent) <= budget) return maxExponent;
        // The factor grows with k (weights spread further); G alone may already exceed the budget, then k = 0.
        double lo = 0, hi = maxExponent;
        if (NoiseFactor(global, quality, 0) > budget) return 0;
        for (var i = 0; i < 30; i++)
        {
            var mid = 0.5 * (lo + hi);
            if (NoiseFactor(global, quality, mid) <= budget) lo = mid; else hi = mid;
        }
        return lo;
    }

    /// <summary>√(N·Σw²)/Σw of the weights G·exp(k·Q): 1 for equal weights, larger as they spread.</summary>
    public static double NoiseFactor(IReadOnlyList<double> global, IReadOnlyList<double> quality, double k)
    {
        double sum = 0, squares = 0;
        for (var i = 0; i < global.Count; i++)
        {
            var w = global[i] * Math.Exp(k * quality[i]);
            sum += w;
            squares += w * w;
        }
        return sum > 0 ? Math.Sqrt(global.Count * squares) / sum : 1;
    }
}
