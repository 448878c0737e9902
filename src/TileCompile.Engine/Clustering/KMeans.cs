namespace TileCompile.Engine.Clustering;

/// <summary>
/// k-means with k-means++ seeding from a fixed seed: the same vectors always give the same
/// clusters. Ties go to the lower cluster index; an emptied cluster takes the farthest point.
/// </summary>
public static class KMeans
{
    /// <summary>Assigns each vector to one of <paramref name="k"/> clusters; returns assignments and centroids.</summary>
    public static (int[] Assignment, double[][] Centroids) Cluster(IReadOnlyList<double[]> vectors, int k, int seed = 12345, int maxIterations = 100)
    {
        var n = vectors.Count;
        k = Math.Clamp(k, 1, Math.Max(1, n));
        var dim = vectors[0].Length;
        var centroids = Seeds(vectors, k, seed);

        var assignment = new int[n];
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var changed = Assign(vectors, centroids, assignment, iteration);
            for (var c = 0; c < k; c++)
            {
                var members = Enumerable.Range(0, n).Where(i => assignment[i] == c).ToList();
                if (members.Count == 0)
                {
                    var far = Enumerable.Range(0, n).OrderByDescending(i => Distance2(vectors[i], centroids[assignment[i]])).ThenBy(i => i).First();
                    assignment[far] = c;
                    centroids[c] = (double[])vectors[far].Clone();
                    changed = true;
                    continue;
                }
                var mean = new double[dim];
                foreach (var i in members) for (var d = 0; d < dim; d++) mean[d] += vectors[i][d];
                for (var d = 0; d < dim; d++) mean[d] /= members.Count;
                centroids[c] = mean;
            }
            if (!changed && iteration > 0) break;
        }
        return (assignment, centroids.ToArray());
    }

    // k-means++: the first centre at random, each next one drawn with probability ∝ squared distance to the nearest.
    private static List<double[]> Seeds(IReadOnlyList<double[]> vectors, int k, int seed)
    {
        var n = vectors.Count;
        var rng = new Numerics.SeededRandom((ulong)seed, 7);
        var centroids = new List<double[]> { (double[])vectors[rng.NextInt(n)].Clone() };
        var distances = new double[n];
        while (centroids.Count < k)
        {
            double total = 0;
            for (var i = 0; i < n; i++)
            {
                distances[i] = centroids.Min(c => Distance2(vectors[i], c));
                total += distances[i];
            }
            if (total <= 0)
            {
                centroids.Add((double[])vectors[centroids.Count % n].Clone());
                continue;
            }
            var pick = rng.NextDouble() * total;
            var chosen = n - 1;
            for (var i = 0; i < n; i++)
            {
                pick -= distances[i];
                if (pick <= 0) { chosen = i; break; }
            }
            centroids.Add((double[])vectors[chosen].Clone());
        }
        return centroids;
    }

    // Each vector to its nearest centroid (ties to the lower index); whether any assignment changed.
    private static bool Assign(IReadOnlyList<double[]> vectors, List<double[]> centroids, int[] assignment, int iteration)
    {
        var changed = false;
        for (var i = 0; i < vectors.Count; i++)
        {
            var best = 0;
            var bestD = double.MaxValue;
            for (var c = 0; c < centroids.Count; c++)
            {
                var d = Distance2(vectors[i], centroids[c]);
                if (d < bestD) { bestD = d; best = c; }
            }
            if (assignment[i] != best || iteration == 0) changed |= assignment[i] != best;
            assignment[i] = best;
        }
        return changed;
    }

    private static double Distance2(double[] a, double[] b)
    {
        double s = 0;
        for (var i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return s;
    }
}
