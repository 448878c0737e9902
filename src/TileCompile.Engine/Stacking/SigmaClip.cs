namespace TileCompile.Engine.Stacking;

/// <summary>Per-pixel rejection settings (stacking.sigma_clip.*).</summary>
/// <param name="Low">Lower threshold in sigmas.</param>
/// <param name="High">Upper threshold in sigmas.</param>
/// <param name="MaxIterations">Iterations.</param>
/// <param name="MinFraction">Keep at least this fraction of samples, else fall back to the unclipped mean.</param>
public sealed record SigmaClipOptions(double Low, double High, int MaxIterations, double MinFraction);

/// <summary>Result of combining the samples of one pixel.</summary>
public enum CombineOutcome
{
    /// <summary>Weighted mean of the samples kept by the rejection.</summary>
    Clipped,
    /// <summary>Too few samples survived the rejection: unclipped weighted mean.</summary>
    RejectionFallback,
    /// <summary>The weights summed to (almost) zero: plain mean of the valid samples.</summary>
    WeightFallback,
    /// <summary>No valid sample at all.</summary>
    Empty,
}

/// <summary>
/// Weighted mean with iterative sigma clipping. The clipping centre is the median of the kept
/// samples and the spread their standard deviation about it, so one heavily weighted outlier
/// (a hot pixel or trail in a favoured frame) cannot drag the centre towards itself. Clipping only
/// decides which samples count; the estimate stays a weighted mean of normalized samples (linear).
/// </summary>
public static class SigmaClip
{
    /// <summary>
    /// Combines <paramref name="values"/> (NaN = no data) with <paramref name="weights"/>;
    /// <paramref name="keep"/> is scratch space of the same length.
    /// </summary>
    public static (float Value, CombineOutcome Outcome) Combine(ReadOnlySpan<float> values, ReadOnlySpan<float> weights, Span<bool> keep, SigmaClipOptions? clip,
        Span<float> scratch = default)
    {
        var (value, outcome, _, _) = CombineWithBounds(values, weights, keep, clip, scratch);
        return (value, outcome);
    }

    /// <summary>
    /// As <see cref="Combine"/>, also returning the acceptance interval of the last clipping iteration
    /// (−∞..+∞ when nothing was clipped for lack of samples or options), so a later stack of a subset of
    /// the same samples can reject exactly by the decision taken over all of them.
    /// </summary>
    public static (float Value, CombineOutcome Outcome, float Low, float High) CombineWithBounds(ReadOnlySpan<float> values, ReadOnlySpan<float> weights,
        Span<bool> keep, SigmaClipOptions? clip, Span<float> scratch = default)
    {
        var low = float.NegativeInfinity;
        var high = float.PositiveInfinity;
        var valid = 0;
        for (var i = 0; i < values.Length; i++)
        {
            keep[i] = float.IsFinite(values[i]) && weights[i] > 0;
            if (keep[i]) valid++;
        }
        if (valid == 0)
        {
            // Samples without weight still tell more than nothing.
            double s = 0;
            var n = 0;
            for (var i = 0; i < values.Length; i++) if (float.IsFinite(values[i])) { s += values[i]; n++; }
            return n == 0 ? (float.NaN, CombineOutcome.Empty, low, high) : ((float)(s / n), CombineOutcome.WeightFallback, low, high);
        }

        var outcome = CombineOutcome.Clipped;
        if (clip is not null && valid >= 3)
        {
            var kept = valid;
            for (var iteration = 0; iteration < clip.MaxIterations; iteration++)
            {
                // The centre is the weighted median: the frames trusted most (sharpest, cleanest here) decide
                // what is an outlier. With a plain median, a majority of soft frames would clip the sharp
                // frames' star cores as if they were outliers.
                var mean = WeightedMedianOfKept(values, weights, keep, kept, scratch);
                double ss = 0;
                for (var i = 0; i < values.Length; i++)
                {
                    if (!keep[i]) continue;
                    var d = values[i] - mean;
                    ss += d * d;
                }
                var sigma = Math.Sqrt(ss / Math.Max(1, kept - 1));
                if (sigma <= 0) break;
                var lo = mean - clip.Low * sigma;
                var hi = mean + clip.High * sigma;
                low = (float)lo;
                high = (float)hi;
                var rejected = 0;
                for (var i = 0; i < values.Length; i++)
                {
                    if (keep[i] && (values[i] < lo || values[i] > hi))
                    {
                        keep[i] = false;
                        rejected++;
                    }
                }
                kept -= rejected;
                if (rejected == 0) break;
            }
            if (kept < Math.Max(1, clip.MinFraction * valid))
            {
                for (var i = 0; i < values.Length; i++) keep[i] = float.IsFinite(values[i]) && weights[i] > 0;
                outcome = CombineOutcome.RejectionFallback;
                low = float.NegativeInfinity;
                high = float.PositiveInfinity;
            }
        }
        var (value, final) = WeightedMean(values, weights, keep, outcome);
        return (value, final, low, high);
    }

    /// <summary>
    /// Weighted mean of the samples inside [<paramref name="low"/>, <paramref name="high"/>] (a decision
    /// taken earlier over a larger set); all valid samples when fewer than <paramref name="minFraction"/> remain.
    /// </summary>
    public static (float Value, CombineOutcome Outcome) CombineWithin(ReadOnlySpan<float> values, ReadOnlySpan<float> weights, Span<bool> keep,
        float low, float high, double minFraction)
    {
        var valid = 0;
        var kept = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var ok = float.IsFinite(values[i]) && weights[i] > 0;
            if (ok) valid++;
            keep[i] = ok && values[i] >= low && values[i] <= high;
            if (keep[i]) kept++;
        }
        if (valid == 0)
        {
            double s = 0;
            var n = 0;
            for (var i = 0; i < values.Length; i++) if (float.IsFinite(values[i])) { s += values[i]; n++; }
            return n == 0 ? (float.NaN, CombineOutcome.Empty) : ((float)(s / n), CombineOutcome.WeightFallback);
        }
        var outcome = CombineOutcome.Clipped;
        if (kept < Math.Max(1, minFraction * valid))
        {
            for (var i = 0; i < values.Length; i++) keep[i] = float.IsFinite(values[i]) && weights[i] > 0;
            outcome = CombineOutcome.RejectionFallback;
        }
        return WeightedMean(values, weights, keep, outcome);
    }

    private static (float Value, CombineOutcome Outcome) WeightedMean(ReadOnlySpan<float> values, ReadOnlySpan<float> weights, ReadOnlySpan<bool> keep, CombineOutcome outcome)
    {
        double tw = 0, twv = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (!keep[i]) continue;
            tw += weights[i];
            twv += weights[i] * values[i];
        }
        if (tw < 1e-6)
        {
            double s = 0;
            var n = 0;
            for (var i = 0; i < values.Length; i++) if (keep[i]) { s += values[i]; n++; }
            return ((float)(s / n), CombineOutcome.WeightFallback);
        }
        return ((float)(twv / tw), outcome);
    }

    private static double WeightedMedianOfKept(ReadOnlySpan<float> values, ReadOnlySpan<float> weights, ReadOnlySpan<bool> keep, int kept, Span<float> scratch)
    {
        var buffer = scratch.Length >= 2 * kept ? scratch[..kept] : new float[kept];
        var w = scratch.Length >= 2 * kept ? scratch.Slice(kept, kept) : new float[kept];
        var n = 0;
        double total = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (!keep[i]) continue;
            buffer[n] = values[i];
            w[n++] = weights[i];
            total += weights[i];
        }
        if (n <= 48)
        {
            // Insertion sort: for the few samples of a pixel it beats the general sort several times over.
            for (var i = 1; i < n; i++)
            {
                var v = buffer[i];
                var wv = w[i];
                var j = i - 1;
                while (j >= 0 && buffer[j] > v)
                {
                    buffer[j + 1] = buffer[j];
                    w[j + 1] = w[j];
                    j--;
                }
                buffer[j + 1] = v;
                w[j + 1] = wv;
            }
        }
        else
        {
            buffer[..n].Sort(w[..n]);
        }
        // The value at which the cumulative weight passes half; midway when it lands exactly on half.
        var half = total / 2;
        double acc = 0;
        for (var i = 0; i < n; i++)
        {
            acc += w[i];
            if (acc > half * (1 + 1e-12)) return buffer[i];
            if (acc >= half * (1 - 1e-12)) return i + 1 < n ? 0.5 * (buffer[i] + buffer[i + 1]) : buffer[i];
        }
        return buffer[n - 1];
    }
}
