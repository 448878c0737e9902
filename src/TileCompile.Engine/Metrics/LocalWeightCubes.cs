using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Metrics;

/// <summary>How tile metrics become local weights (the <c>local_metrics.*</c> settings, as plain numbers).</summary>
/// <param name="SignalToNoise">True: w = G·(median FWHM / FWHM)^e on STAR tiles, G elsewhere; false: w = G·exp(k·clip(Q)).</param>
/// <param name="FwhmExponent">e of the signal-to-noise rule.</param>
/// <param name="ClampLow">Lowest quality score Q before exponentiation.</param>
/// <param name="ClampHigh">Highest quality score Q before exponentiation.</param>
/// <param name="ExponentScale">Largest k; lowered per tile to keep within <paramref name="NoiseBudget"/>.</param>
/// <param name="NoiseBudget">Most the weighting may raise a tile's noise over an equal-weight mean.</param>
/// <param name="StarFwhm">STAR tiles: weight of the (negated) FWHM z-score.</param>
/// <param name="StarRoundness">STAR tiles: weight of the roundness z-score.</param>
/// <param name="StarContrast">STAR tiles: weight of the contrast z-score.</param>
/// <param name="StructureMetric">STRUCTURE tiles: weight of the E/σ z-score.</param>
/// <param name="StructureBackground">STRUCTURE tiles: weight of the (negated) background z-score.</param>
/// <param name="RelativeFloor">Smallest spread of a tile metric, relative to its median, that z-scores are taken against.</param>
public sealed record LocalWeightRule(bool SignalToNoise, double FwhmExponent, double ClampLow, double ClampHigh, double ExponentScale, double NoiseBudget,
    double StarFwhm, double StarRoundness, double StarContrast, double StructureMetric, double StructureBackground, double RelativeFloor);

/// <summary>
/// Quality scores and weights per frame, channel and tile ([frame][channel][tile]) from the tile metrics m1, m2, m3
/// (FWHM, roundness, contrast on STAR tiles; E/σ and background on STRUCTURE tiles) and the frames' global weights.
/// </summary>
public static class LocalWeightCubes
{
    /// <summary>The quality and weight cubes; <paramref name="global"/> is [frame][channel].</summary>
    public static (double[][][] Quality, double[][][] Weight) Compute(double[][][] m1, double[][][] m2, double[][][] m3, IReadOnlyList<double[]> global,
        IReadOnlyList<bool> isStar, LocalWeightRule rule)
    {
        var n = m1.Length;
        var nc = n > 0 ? m1[0].Length : 0;
        var nt = isStar.Count;
        var quality = Cube(n, nc, nt);
        var weight = Cube(n, nc, nt);
        for (var c = 0; c < nc; c++)
        {
            for (var t = 0; t < nt; t++)
            {
                if (rule.SignalToNoise) SignalToNoise(m1, global, isStar[t], rule.FwhmExponent, c, t, quality, weight);
                else Quality(m1, m2, m3, global, isStar[t], rule, c, t, quality, weight);
            }
        }
        return (quality, weight);
    }

    private static void SignalToNoise(double[][][] m1, IReadOnlyList<double[]> global, bool star, double exponent, int c, int t, double[][][] quality, double[][][] weight)
    {
        var n = m1.Length;
        var median = star ? RobustStats.Median(Enumerable.Range(0, n).Select(f => m1[f][c][t]).ToList()) : double.NaN;
        for (var f = 0; f < n; f++)
        {
            var factor = star ? SnrWeighting.SharpnessFactor(m1[f][c][t], median, exponent) : 1;
            quality[f][c][t] = Math.Log(factor);
            weight[f][c][t] = global[f][c] * factor;
        }
    }

    private static void Quality(double[][][] m1, double[][][] m2, double[][][] m3, IReadOnlyList<double[]> global, bool star, LocalWeightRule rule, int c, int t,
        double[][][] quality, double[][][] weight)
    {
        var n = m1.Length;
        // Where all frames are nearly alike in a tile, a difference of a percent must not become several sigmas.
        var z1 = RobustStats.ZScores(Enumerable.Range(0, n).Select(f => m1[f][c][t]).ToList(), rule.RelativeFloor);
        var z2 = RobustStats.ZScores(Enumerable.Range(0, n).Select(f => m2[f][c][t]).ToList(), rule.RelativeFloor);
        var z3 = RobustStats.ZScores(Enumerable.Range(0, n).Select(f => m3[f][c][t]).ToList(), rule.RelativeFloor);
        var clipped = new double[n];
        var g = new double[n];
        for (var f = 0; f < n; f++)
        {
            var q = star ? rule.StarFwhm * -z1[f] + rule.StarRoundness * z2[f] + rule.StarContrast * z3[f] : rule.StructureMetric * z1[f] - rule.StructureBackground * z2[f];
            quality[f][c][t] = q;
            clipped[f] = Math.Clamp(q, rule.ClampLow, rule.ClampHigh);
            g[f] = global[f][c];
        }
        var kt = LocalWeighting.Exponent(g, clipped, rule.ExponentScale, rule.NoiseBudget);
        for (var f = 0; f < n; f++) weight[f][c][t] = g[f] * Math.Exp(kt * clipped[f]);
    }

    private static double[][][] Cube(int n, int nc, int nt) =>
        Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, nc).Select(_ => new double[nt]).ToArray()).ToArray();
}
