namespace TileCompile.Engine.Registration;

/// <summary>Options of star matching.</summary>
public sealed record MatchOptions
{
    /// <summary>Brightest stars used to build triangles.</summary>
    public int TriangleStars { get; init; } = 25;
    /// <summary>Stars used in the final least-squares refinement.</summary>
    public int RefineStars { get; init; } = 120;
    /// <summary>Distance within which a mapped star matches (px of the matching grid).</summary>
    public double InlierTolerance { get; init; } = 2.5;
    /// <summary>Fit an affine map instead of a similarity.</summary>
    public bool Affine { get; init; }
    /// <summary>Allow rotation (otherwise rotation is forced to zero).</summary>
    public bool AllowRotation { get; init; } = true;
    /// <summary>Accepted range of scale (a similarity's scale must stay near 1).</summary>
    public double MaxScaleDeviation { get; init; } = 0.08;
}

/// <summary>Result of matching a frame's stars to the reference's.</summary>
/// <param name="Transform">Reference → frame map.</param>
/// <param name="Inliers">Matched star pairs used in the final fit.</param>
/// <param name="RmsResidual">RMS distance of matched pairs after the fit (px).</param>
/// <param name="Pairs">The matched pairs (reference index, frame index).</param>
public sealed record MatchResult(AffineTransform Transform, int Inliers, double RmsResidual, IReadOnlyList<(int Ref, int Frame)> Pairs);

/// <summary>
/// Matches two star lists with triangle invariants (side ratios, independent of rotation, shift and
/// scale) and votes, finds the consensus similarity by trying every pair of voted correspondences,
/// and refines it by least squares on all stars that then agree. Deterministic: no random sampling.
/// </summary>
public static class StarMatcher
{
    /// <summary>Matches <paramref name="frame"/> to <paramref name="reference"/>; null when no consistent transform exists.</summary>
    public static MatchResult? Match(IReadOnlyList<Star> reference, IReadOnlyList<Star> frame, MatchOptions? options = null)
    {
        options ??= new MatchOptions();
        if (reference.Count < 3 || frame.Count < 3) return null;
        var nr = Math.Min(options.TriangleStars, reference.Count);
        var nf = Math.Min(options.TriangleStars + 5, frame.Count);
        var candidates = Correspondences(reference, frame, nr, nf);
        if (candidates.Count < 2) return null;

        var (bestTransform, bestCount) = Consensus(reference, frame, candidates, options);
        if (bestTransform is not { } transform || bestCount < 3) return null;
        return Refine(reference, frame, transform, options, options.InlierTolerance);
    }

    // Star pairs that similar triangles vote for, each the other's best (reference index, frame index, votes).
    private static List<(int Ref, int Frame, int Votes)> Correspondences(IReadOnlyList<Star> reference, IReadOnlyList<Star> frame, int nr, int nf)
    {
        var refTriangles = Triangles(reference, nr);
        var frameTriangles = Triangles(frame, nf);
        refTriangles.Sort((a, b) => a.R1.CompareTo(b.R1));
        var keys = refTriangles.Select(t => t.R1).ToArray();

        var votes = new int[nr, nf];
        const double tolerance = 0.008;
        foreach (var ft in frameTriangles)
        {
            var lo = LowerBound(keys, ft.R1 - tolerance);
            for (var k = lo; k < keys.Length && keys[k] <= ft.R1 + tolerance; k++)
            {
                var rt = refTriangles[k];
                if (Math.Abs(rt.R2 - ft.R2) > tolerance) continue;
                votes[rt.V0, ft.V0]++;
                votes[rt.V1, ft.V1]++;
                votes[rt.V2, ft.V2]++;
            }
        }

        var candidates = new List<(int Ref, int Frame, int Votes)>();
        for (var i = 0; i < nr; i++)
        {
            var best = -1;
            var bestVotes = 1;
            for (var j = 0; j < nf; j++) if (votes[i, j] > bestVotes) { best = j; bestVotes = votes[i, j]; }
            if (best < 0) continue;
            var mutual = true;
            for (var i2 = 0; i2 < nr; i2++) if (i2 != i && votes[i2, best] >= bestVotes) { mutual = false; break; }
            if (mutual) candidates.Add((i, best, bestVotes));
        }
        return candidates;
    }

    // Every pair of candidate correspondences defines a similarity; the one most others agree with, and how many do.
    private static (AffineTransform? Transform, int Count) Consensus(IReadOnlyList<Star> reference, IReadOnlyList<Star> frame,
        List<(int Ref, int Frame, int Votes)> candidates, MatchOptions options)
    {
        AffineTransform? bestTransform = null;
        var bestCount = 0;
        for (var a = 0; a < candidates.Count; a++)
        {
            for (var b = a + 1; b < candidates.Count; b++)
            {
                var from = new[] { Pos(reference[candidates[a].Ref]), Pos(reference[candidates[b].Ref]) };
                var to = new[] { Pos(frame[candidates[a].Frame]), Pos(frame[candidates[b].Frame]) };
                var dist = Math.Sqrt(Sq(from[0].X - from[1].X) + Sq(from[0].Y - from[1].Y));
                if (dist < 10) continue;
                var t = AffineTransform.FitSimilarity(from, to);
                if (Math.Abs(t.Scale - 1) > options.MaxScaleDeviation) continue;
                var count = 0;
                foreach (var c in candidates)
                {
                    var (x, y) = t.Apply(reference[c.Ref].X, reference[c.Ref].Y);
                    if (Sq(x - frame[c.Frame].X) + Sq(y - frame[c.Frame].Y) <= Sq(options.InlierTolerance)) count++;
                }
                if (count > bestCount)
                {
                    bestCount = count;
                    bestTransform = t;
                }
            }
        }
        return (bestTransform, bestCount);
    }

    /// <summary>
    /// Refines a map known to be roughly right (from voting, or from phase correlation) on all
    /// stars it brings within tolerance, weighted by brightness (bright stars have the best
    /// centroids), with residual outliers clipped; null when fewer than 3 stars agree.
    /// </summary>
    public static MatchResult? Refine(IReadOnlyList<Star> reference, IReadOnlyList<Star> frame, AffineTransform transform, MatchOptions options, double firstTolerance)
    {
        List<(int Ref, int Frame)> pairs = new();
        for (var round = 0; round < 5; round++)
        {
            var clip = round == 0 ? firstTolerance
                : round < 2 ? options.InlierTolerance
                : Math.Min(options.InlierTolerance, Math.Max(0.5, 3 * Rms(reference, frame, transform, pairs)));
            pairs = Pairs(reference, frame, transform, options.RefineStars, clip);
            if (pairs.Count < 3) return null;
            var from = pairs.Select(p => Pos(reference[p.Ref])).ToList();
            var to = pairs.Select(p => Pos(frame[p.Frame])).ToList();
            var weights = Weights(reference, frame, pairs);
            transform = options.Affine && pairs.Count >= 6 ? AffineTransform.FitAffine(from, to) : AffineTransform.FitSimilarity(from, to, weights);
            if (!options.AllowRotation)
            {
                var s = transform.Scale;
                transform = transform with { A = s, B = 0, C = 0, D = s };
            }
        }
        if (Math.Abs(transform.Scale - 1) > options.MaxScaleDeviation) return null;
        pairs = Pairs(reference, frame, transform, options.RefineStars, Math.Min(options.InlierTolerance, Math.Max(0.5, 3 * Rms(reference, frame, transform, pairs))));
        if (pairs.Count < 3) return null;
        double sum = 0;
        foreach (var p in pairs)
        {
            var (x, y) = transform.Apply(reference[p.Ref].X, reference[p.Ref].Y);
            sum += Sq(x - frame[p.Frame].X) + Sq(y - frame[p.Frame].Y);
        }
        return new MatchResult(transform, pairs.Count, Math.Sqrt(sum / pairs.Count), pairs);
    }

    private static double Rms(IReadOnlyList<Star> reference, IReadOnlyList<Star> frame, AffineTransform t, List<(int Ref, int Frame)> pairs)
    {
        if (pairs.Count == 0) return double.PositiveInfinity;
        double sum = 0;
        foreach (var p in pairs)
        {
            var (x, y) = t.Apply(reference[p.Ref].X, reference[p.Ref].Y);
            sum += Sq(x - frame[p.Frame].X) + Sq(y - frame[p.Frame].Y);
        }
        return Math.Sqrt(sum / pairs.Count);
    }

    private static double[] Weights(IReadOnlyList<Star> reference, IReadOnlyList<Star> frame, List<(int Ref, int Frame)> pairs)
    {
        // Centroid variance falls with flux; the harmonic flux of a pair, capped, keeps a few saturated-ish stars from dominating.
        var w = pairs.Select(p => 1 / (1 / Math.Max(reference[p.Ref].Flux, 1) + 1 / Math.Max(frame[p.Frame].Flux, 1))).ToArray();
        var cap = 10 * Imaging.RobustStats.Median(w.ToList());
        for (var i = 0; i < w.Length; i++) w[i] = Math.Min(w[i], cap);
        return w;
    }

    private static List<(int Ref, int Frame)> Pairs(IReadOnlyList<Star> reference, IReadOnlyList<Star> frame, AffineTransform t, int count, double tolerance)
    {
        var pairs = new List<(int, int)>();
        var used = new HashSet<int>();
        var n = Math.Min(count, reference.Count);
        var m = Math.Min(count * 2, frame.Count);
        for (var i = 0; i < n; i++)
        {
            var (x, y) = t.Apply(reference[i].X, reference[i].Y);
            var best = -1;
            var bestD = tolerance * tolerance;
            for (var j = 0; j < m; j++)
            {
                var d = Sq(x - frame[j].X) + Sq(y - frame[j].Y);
                if (d <= bestD) { bestD = d; best = j; }
            }
            if (best >= 0 && used.Add(best)) pairs.Add((i, best));
        }
        return pairs;
    }

    private readonly record struct Triangle(int V0, int V1, int V2, double R1, double R2);

    private static List<Triangle> Triangles(IReadOnlyList<Star> stars, int n)
    {
        var list = new List<Triangle>(n * n * n / 6);
        for (var i = 0; i < n; i++)
        for (var j = i + 1; j < n; j++)
        for (var k = j + 1; k < n; k++)
        {
            // Label vertices by the side opposite them, longest side first, so labels survive rotation and scale.
            var dij = Dist(stars[i], stars[j]);
            var djk = Dist(stars[j], stars[k]);
            var dki = Dist(stars[k], stars[i]);
            var sides = new[] { (Len: djk, Opposite: i), (Len: dki, Opposite: j), (Len: dij, Opposite: k) };
            Array.Sort(sides, (a, b) => b.Len.CompareTo(a.Len));
            var longest = sides[0].Len;
            if (longest < 15) continue;
            var r1 = sides[1].Len / longest;
            var r2 = sides[2].Len / longest;
            if (r2 < 0.15) continue;
            // Near-isosceles triangles have ambiguous labels; they would vote wrongly.
            if (sides[0].Len - sides[1].Len < 0.03 * longest || sides[1].Len - sides[2].Len < 0.03 * longest) continue;
            list.Add(new Triangle(sides[0].Opposite, sides[1].Opposite, sides[2].Opposite, r1, r2));
        }
        return list;
    }

    private static int LowerBound(double[] keys, double value)
    {
        int lo = 0, hi = keys.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (keys[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static (double X, double Y) Pos(Star s) => (s.X, s.Y);
    private static double Dist(Star a, Star b) => Math.Sqrt(Sq(a.X - b.X) + Sq(a.Y - b.Y));
    private static double Sq(double v) => v * v;
}
