namespace TileCompile.Engine.Stacking;

/// <summary>Per-pixel rejection settings (stacking.sigma_clip.*).</summary>
/// <param name="Low">Lower threshold in sigmas.</param>
/// <param name="High">Upper threshold in sigmas.</param>
/// <param name="MaxIterations">Iterations.</param>
/// <param name="MinFraction">Keep at least this fraction of samples, else fall back to the unclipped mean.</param>
/// <param name="Winsorized">
/// Take the spread from winsorized samples (values beyond 1.5σ pulled in to 1.5σ until the spread settles), so
/// the outliers to be rejected do not inflate the spread they are judged by, and good samples in the tails are kept.
/// </param>
public sealed record SigmaClipOptions(double Low, double High, int MaxIterations, double MinFraction, bool Winsorized = false);

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
            var (mean, empty) = MeanOfUnweighted(values);
            return (mean, empty, low, high);
        }

        var outcome = CombineOutcome.Clipped;
        if (clip is not null && valid >= 3)
        {
            SortedSamples(values, weights, keep, valid, scratch, out var v, out var w);
            var (first, end, lo, hi) = ClipRun(v, w, clip, weighted: true);
            if (end - first < Math.Max(1, clip.MinFraction * valid))
            {
                outcome = CombineOutcome.RejectionFallback;
            }
            else
            {
                (low, high) = (lo, hi);
                // The kept run, as value thresholds on the original samples (equal values share a fate).
                var keepLow = v[first];
                var keepHigh = v[end - 1];
                for (var i = 0; i < values.Length; i++) keep[i] = keep[i] && values[i] >= keepLow && values[i] <= keepHigh;
            }
        }
        var (value, final) = WeightedMean(values, weights, keep, outcome);
        return (value, final, low, high);
    }

    /// <summary>
    /// Weighted mean of the samples inside [<paramref name="low"/>, <paramref name="high"/>] (a decision taken earlier
    /// over a larger set, which kept at least its minimum fraction there). A subset whose samples all lie outside
    /// gives no data (NaN): they are outliers by the whole set's judgement, and a cluster of a few frames must not
    /// take back the hot pixel or satellite the whole session rejected.
    /// </summary>
    public static (float Value, CombineOutcome Outcome) CombineWithin(ReadOnlySpan<float> values, ReadOnlySpan<float> weights, Span<bool> keep,
        float low, float high)
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
        if (valid == 0) return MeanOfUnweighted(values);
        if (kept == 0) return (float.NaN, CombineOutcome.Empty);
        return WeightedMean(values, weights, keep, CombineOutcome.Clipped);
    }

    // No sample has weight: samples without weight still tell more than nothing.
    private static (float Value, CombineOutcome Outcome) MeanOfUnweighted(ReadOnlySpan<float> values)
    {
        double s = 0;
        var n = 0;
        for (var i = 0; i < values.Length; i++) if (float.IsFinite(values[i])) { s += values[i]; n++; }
        return n == 0 ? (float.NaN, CombineOutcome.Empty) : ((float)(s / n), CombineOutcome.WeightFallback);
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

    /// <summary>
    /// The weighted combination and, from the same sorted samples, the unweighted sigma-clipped mean
    /// (what a classic stack gives): one sort per pixel for both.
    /// </summary>
    public static (float Value, CombineOutcome Outcome, float Low, float High, float Classic) CombineWithClassic(ReadOnlySpan<float> values,
        ReadOnlySpan<float> weights, Span<bool> keep, SigmaClipOptions? clip, Span<float> scratch)
    {
        var (value, outcome, low, high) = CombineWithBounds(values, weights, keep, clip, scratch);
        var valid = 0;
        for (var i = 0; i < values.Length; i++) if (float.IsFinite(values[i]) && weights[i] > 0) valid++;
        if (clip is null || valid < 3 || scratch.Length < 2 * valid || outcome == CombineOutcome.Empty || outcome == CombineOutcome.WeightFallback)
        {
            // Nothing sorted to reuse: the plain way.
            Span<float> ones = values.Length <= 1024 ? stackalloc float[values.Length] : new float[values.Length];
            ones.Fill(1f);
            return (value, outcome, low, high, Combine(values, ones, keep, clip, scratch).Value);
        }
        // CombineWithBounds left the samples sorted at the start of the scratch, weights after them.
        var v = scratch[..valid];
        var (first, end, _, _) = ClipRun(v, scratch.Slice(valid, valid), clip, weighted: false);
        if (end - first < Math.Max(1, clip.MinFraction * valid)) (first, end) = (0, valid);
        double sum = 0;
        for (var i = first; i < end; i++) sum += v[i];
        return (value, outcome, low, high, (float)(sum / (end - first)));
    }

    private static void SortedSamples(ReadOnlySpan<float> values, ReadOnlySpan<float> weights, ReadOnlySpan<bool> keep,
        int valid, Span<float> scratch, out Span<float> v, out Span<float> w)
    {
        v = scratch.Length >= 2 * valid ? scratch[..valid] : new float[valid];
        w = scratch.Length >= 2 * valid ? scratch.Slice(valid, valid) : new float[valid];
        var n = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (!keep[i]) continue;
            v[n] = values[i];
            w[n++] = weights[i];
        }
        SortPairs(v, w);
    }

    // Iterative clipping of sorted samples: each iteration only trims the ends, so the kept samples stay
    // one run [first, end). The centre is the weighted median: the frames trusted most (sharpest, cleanest
    // here) decide what is an outlier; with a plain median a majority of soft frames would clip the sharp
    // frames' star cores. Returns the run and the intersection of the iterations' intervals.
    private static (int First, int End, float Low, float High) ClipRun(ReadOnlySpan<float> v, ReadOnlySpan<float> w, SigmaClipOptions clip, bool weighted)
    {
        var low = float.NegativeInfinity;
        var high = float.PositiveInfinity;
        int first = 0, end = v.Length;
        for (var iteration = 0; iteration < clip.MaxIterations; iteration++)
        {
            var count = end - first;
            var centre = weighted ? WeightedMedian(v[first..end], w[first..end])
                : count % 2 == 1 ? v[first + count / 2] : 0.5 * (v[first + count / 2 - 1] + v[first + count / 2]);
            double ss = 0;
            for (var i = first; i < end; i++)
            {
                var d = v[i] - centre;
                ss += d * d;
            }
            var sigma = Math.Sqrt(ss / Math.Max(1, count - 1));
            if (clip.Winsorized) sigma = WinsorizedSigma(v[first..end], centre, sigma);
            if (sigma <= 0) break;
            var lo = centre - clip.Low * sigma;
            var hi = centre + clip.High * sigma;
            low = Math.Max(low, (float)lo);
            high = Math.Min(high, (float)hi);
            var newFirst = first;
            var newEnd = end;
            while (newFirst < newEnd && v[newFirst] < lo) newFirst++;
            while (newEnd > newFirst && v[newEnd - 1] > hi) newEnd--;
            if (newFirst == first && newEnd == end) break;
            first = newFirst;
            end = newEnd;
        }
        return (first, end, low, high);
    }

    // Spread of the samples with those beyond centre ± 1.5σ set to that bound, re-estimated until it
    // settles; 1.134 makes it unbiased for Gaussian samples (winsorizing at 1.5σ shrinks their spread).
    private static double WinsorizedSigma(ReadOnlySpan<float> sorted, double centre, double sigma)
    {
        for (var iteration = 0; iteration < 10 && sigma > 0; iteration++)
        {
            var lo = centre - 1.5 * sigma;
            var hi = centre + 1.5 * sigma;
            double ss = 0;
            foreach (var x in sorted)
            {
                var d = Math.Clamp(x, lo, hi) - centre;
                ss += d * d;
            }
            var next = 1.134 * Math.Sqrt(ss / Math.Max(1, sorted.Length - 1));
            var settled = Math.Abs(next - sigma) <= 5e-4 * sigma;
            sigma = next;
            if (settled) break;
        }
        return sigma;
    }

    // Insertion sort for the few samples of a pixel (several times faster than the general sort there).
    private static void SortPairs(Span<float> v, Span<float> w)
    {
        if (v.Length > 48)
        {
            v.Sort(w);
            return;
        }
        for (var i = 1; i < v.Length; i++)
        {
            var x = v[i];
            var wx = w[i];
            var j = i - 1;
            while (j >= 0 && v[j] > x)
            {
                v[j + 1] = v[j];
                w[j + 1] = w[j];
                j--;
            }
            v[j + 1] = x;
            w[j + 1] = wx;
        }
    }

    // Of sorted values: where the cumulative weight passes half; midway when it lands exactly on half.
    private static double WeightedMedian(ReadOnlySpan<float> v, ReadOnlySpan<float> w)
    {
        double total = 0;
        for (var i = 0; i < w.Length; i++) total += w[i];
        var half = total / 2;
        double acc = 0;
        for (var i = 0; i < v.Length; i++)
        {
            acc += w[i];
            if (acc > half * (1 + 1e-12)) return v[i];
            if (acc >= half * (1 - 1e-12)) return i + 1 < v.Length ? 0.5 * (v[i] + v[i + 1]) : v[i];
        }
        return v[^1];
    }
}
