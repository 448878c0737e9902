using TileCompile.Engine.Clustering;
using TileCompile.Engine.Config;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>
/// Phase 8 (full mode): clusters frames by their quality state
/// <c>(G, mean Q_tile, var Q_tile, B, σ)</c>, standardized, with deterministic k-means++,
/// <c>K = clip(floor(N/10), K_min, K_max)</c>.
/// </summary>
public sealed class StateClusteringPhase : IPipelinePhase
{
    /// <summary>Artifact path.</summary>
    public const string ReportJson = "artifacts/clusters.json";

    /// <inheritdoc />
    public PhaseId Id => PhaseId.StateClustering;
    /// <inheritdoc />
    public int AlgoVersion => 1;
    /// <inheritdoc />
    public IReadOnlyList<ConfigKey> ConfigKeys { get; } = new ConfigKey[] { Config.ConfigKeys.Synthetic.ClusterCountRange };
    /// <inheritdoc />
    public IReadOnlyList<PhaseId> Reads { get; } = new[] { PhaseId.GlobalMetrics, PhaseId.LocalMetrics };
    /// <inheritdoc />
    public bool ReadsInputFrames => false;

    /// <inheritdoc />
    public void Run(PhaseContext context)
    {
        var global = context.Read(ArtifactCatalog.GlobalMetrics);
        var local = LocalWeightsFile.Read(context.Paths.Resolve(ImageArtifacts.LocalWeights));
        var n = global.Frames.Count;
        var raw = new double[n][];
        for (var f = 0; f < n; f++)
        {
            var fm = global.Frames[f];
            var q = local.Quality[f].SelectMany(c => c).ToArray();
            var mean = q.Average();
            raw[f] = new[] { fm.Weight.Average(), mean, q.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, q.Length - 1), fm.Background.Average(), fm.Noise.Average() };
        }
        var vectors = Standardize(raw);
        var range = context.Config.Get(Config.ConfigKeys.Synthetic.ClusterCountRange);
        var k = Math.Min(n, Math.Clamp(n / 10, range.Low, range.High));
        var (assignment, centroids) = KMeans.Cluster(vectors, k);
        context.Write(ArtifactCatalog.Clusters, new ClusterReport
        {
            Count = centroids.Length,
            Assignment = assignment,
            Frames = global.Frames.Select(f => f.Frame).ToList(),
            Centroids = centroids,
        });
        context.SetFact("clusters", centroids.Length);
    }

    private static double[][] Standardize(double[][] raw)
    {
        var n = raw.Length;
        var dim = raw[0].Length;
        var result = raw.Select(r => new double[dim]).ToArray();
        for (var d = 0; d < dim; d++)
        {
            var mean = raw.Average(r => r[d]);
            var sd = Math.Sqrt(raw.Sum(r => (r[d] - mean) * (r[d] - mean)) / Math.Max(1, n - 1));
            for (var i = 0; i < n; i++) result[i][d] = sd > 1e-12 && double.IsFinite(raw[i][d]) ? (raw[i][d] - mean) / sd : 0;
        }
        return result;
    }
}
