namespace TileCompile.Engine.Metrics;

/// <summary>How frame measures become global weights (the <c>global_metrics.*</c> settings, as plain numbers).</summary>
/// <param name="SignalToNoise">True: w ∝ transparency / noise²; false: the published exp(k·Q) of background, noise and gradient z-scores.</param>
/// <param name="Criteria">α, β, γ: weights of the background, noise and gradient z-scores (quality rule).</param>
/// <param name="Adaptive">Derive α, β, γ from the spread of each z-series (quality rule).</param>
/// <param name="ExponentScale">k in exp(k·Q) (quality rule).</param>
/// <param name="ClampLow">Lowest Q before exponentiation.</param>
/// <param name="ClampHigh">Highest Q before exponentiation.</param>
/// <param name="RelativeFloor">Smallest spread of a measure, relative to its median, that z-scores are taken against.</param>
public sealed record GlobalWeightRule(bool SignalToNoise, (double Background, double Noise, double Gradient) Criteria, bool Adaptive, double ExponentScale,
    double ClampLow, double ClampHigh, double RelativeFloor);

/// <summary>Per frame and channel ([frame][channel]): quality, weight and transparency; with the criteria weights the quality rule used.</summary>
public sealed record GlobalWeightResult(double[][] Quality, double[][] Weight, double[][] Transparency, double[] Criteria);

/// <summary>Global frame weights from each frame's noise, gradient energy, background and reference-star fluxes.</summary>
public static class GlobalWeights
{
    /// <summary>
    /// The weights of <paramref name="noise"/>.Length frames; <paramref name="fluxes"/> are the reference stars' fluxes per
    /// frame and channel, measured against those of frame <paramref name="referenceIndex"/> (negative: transparency 1).
    /// </summary>
    public static GlobalWeightResult Compute(double[][] noise, double[][] energy, double[][][] fluxes, IReadOnlyList<double[]> background, int referenceIndex,
        GlobalWeightRule rule)
    {
        var n = noise.Length;
        var nc = n > 0 ? noise[0].Length : 0;
        var quality = new double[n][];
        var weight = new double[n][];
        var transparency = new double[n][];
        for (var i = 0; i < n; i++)
        {
            quality[i] = new double[nc];
            weight[i] = new double[nc];
            transparency[i] = new double[nc];
            for (var c = 0; c < nc; c++) transparency[i][c] = referenceIndex < 0 ? 1 : SnrWeighting.Transparency(fluxes[i][c], fluxes[referenceIndex][c]);
        }
        var used = new double[3];
        for (var c = 0; c < nc; c++)
        {
            if (rule.SignalToNoise)
            {
                var snrWeights = SnrWeighting.GlobalWeights(Enumerable.Range(0, n).Select(i => transparency[i][c]).ToList(), Enumerable.Range(0, n).Select(i => noise[i][c]).ToList());
                for (var i = 0; i < n; i++)
                {
                    weight[i][c] = snrWeights[i];
                    // The quality that clustering and reports read: log of the weight, in the same units as exp(Q).
                    quality[i][c] = Math.Log(Math.Max(snrWeights[i], 1e-12));
                }
                continue;
            }
            var published = QualityWeighting.Weights(Enumerable.Range(0, n).Select(i => background[i][c]).ToList(),
                Enumerable.Range(0, n).Select(i => noise[i][c]).ToList(), Enumerable.Range(0, n).Select(i => energy[i][c]).ToList(),
                rule.Criteria, rule.Adaptive, rule.ExponentScale, (rule.ClampLow, rule.ClampHigh), rule.RelativeFloor);
            used = published.Criteria;
            for (var i = 0; i < n; i++) (quality[i][c], weight[i][c]) = (published.Quality[i], published.Weight[i]);
        }
        return new GlobalWeightResult(quality, weight, transparency, used);
    }
}
