using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Reconstruction;
using TileCompile.Engine.Stacking;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>
/// Phase 9 (full mode): one synthetic frame per cluster and channel,
/// <c>S_k = Σ_{f∈k} G_f·I_f / Σ G_f</c> (or, with <c>synthetic.weighting: tile_weighted</c>, the
/// tile-weighted reconstruction of the cluster's frames). Clusters of three or more frames are
/// sigma-clipped as well.
/// </summary>
public sealed class SyntheticFramesPhase : IPipelinePhase
{
    /// <summary>Artifact path of the report.</summary>
    public const string ReportJson = "artifacts/synthetic.json";

    /// <inheritdoc />
    public PhaseId Id => PhaseId.SyntheticFrames;
    /// <inheritdoc />
    public int AlgoVersion => 6;
    /// <inheritdoc />
    public IReadOnlyList<ConfigKey> ConfigKeys { get; } = new ConfigKey[]
    {
        Config.ConfigKeys.Synthetic.Weighting, Config.ConfigKeys.Stacking.Method, Config.ConfigKeys.Stacking.SigmaLow, Config.ConfigKeys.Stacking.SigmaHigh,
        Config.ConfigKeys.Stacking.MaxIters, Config.ConfigKeys.Stacking.MinFraction, Config.ConfigKeys.RuntimeLimits.MemoryBudgetMiB,
        Config.ConfigKeys.GlobalMetrics.Clamp,
    };
    /// <inheritdoc />
    public IReadOnlyList<PhaseId> Reads { get; } = new[]
    {
        PhaseId.Registration, PhaseId.ChannelSplit, PhaseId.Normalization, PhaseId.GlobalMetrics, PhaseId.TileGrid, PhaseId.LocalMetrics, PhaseId.TileReconstruction,
        PhaseId.StateClustering,
    };

    /// <inheritdoc />
    public bool ReadsArtifact(PhaseId upstream, string path) => upstream switch
    {
        PhaseId.TileReconstruction => path.StartsWith("work/clip_bounds_", StringComparison.Ordinal),
        PhaseId.Registration => ImageArtifacts.IsStackInput(path),
        _ => true,
    };
    /// <inheritdoc />
    public bool ReadsInputFrames => false;

    /// <inheritdoc />
    public void Run(PhaseContext context)
    {
        var channels = context.Read(ArtifactCatalog.Channels);
        var norm = context.Read(ArtifactCatalog.Normalization);
        var global = context.Read(ArtifactCatalog.GlobalMetrics);
        var grid = channels.StackGrid(context.Read(ArtifactCatalog.TileGrid));
        var (width, height) = channels.StackSize();
        var local = LocalWeightsFile.Read(context.Paths.Resolve(ImageArtifacts.LocalWeights));
        var clusters = context.Read(ArtifactCatalog.Clusters);
        var tileWeighted = context.Config.Get(Config.ConfigKeys.Synthetic.Weighting) == "tile_weighted";
        var clip = ImageArtifacts.ClipOptions(context.Config);
        var clamp = context.Config.Get(Config.ConfigKeys.GlobalMetrics.Clamp);
        var budget = (long)context.Config.Get(Config.ConfigKeys.RuntimeLimits.MemoryBudgetMiB) * 1024 * 1024;
        var field = new TileWeightField(grid.Grid());
        var list = new List<SyntheticFrame>();
        for (var k = 0; k < clusters.Count; k++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var members = Enumerable.Range(0, clusters.Assignment.Length).Where(i => clusters.Assignment[i] == k).ToList();
            if (members.Count == 0) continue;
            var cube = new float[width * height * channels.Channels.Count];
            for (var c = 0; c < channels.Channels.Count; c++)
            {
                var sources = members.Select(i => channels.Source(context, i, c, (float)(1 / norm.Frames[i].Background[c]))).ToList();
                IWeightProvider weights = tileWeighted
                    ? new TileWeights(field, members.Select(i => local.Weight[i][c]).ToList())
                    : new ConstantWeights(members.Select(i => global.Frames[i].Weight[c]).ToList());
                var rejection = clip is null ? new Rejection()
                    : new Rejection { BoundsPath = context.Paths.Resolve(ImageArtifacts.ClipBounds(channels.Channels[c])) };
                var result = BandStacker.Stack(width, height, sources, weights, rejection, classic: false, recordBounds: false,
                    budget, context.ParallelOptions);
                result.Image.CopyTo(cube, c * width * height);
            }
            var path = $"work/synthetic/cluster_{k:D2}.fit";
            var header = new FitsHeader();
            header.Set("TC-CLUST", (long)k, "cluster index");
            header.Set("TC-NMEM", (long)members.Count, "member frames");
            header.Set("TC-CHAN", string.Join(",", channels.Channels), "planes of this cube");
            context.WriteArtifact(path, s => FitsWriter.WriteFloat32(s, cube, width, height, channels.Channels.Count, header));
            var q = members.Select(i => Math.Clamp(global.Frames[i].Quality.Average(), clamp.Low, clamp.High)).ToList();
            list.Add(new SyntheticFrame
            {
                Cluster = k,
                Members = members.Count,
                Path = path,
                Quality = Imaging.RobustStats.Median(q),
                WeightSum = members.Sum(i => global.Frames[i].Weight.Average()),
                TileWeightSums = Enumerable.Range(0, channels.Channels.Count).Select(c => Enumerable.Range(0, field.TileCount)
                    .Select(t => members.Sum(i => tileWeighted ? local.Weight[i][c][t] : global.Frames[i].Weight[c])).ToArray()).ToArray(),
            });
            context.Progress(k + 1, clusters.Count);
        }
        context.Write(ArtifactCatalog.Synthetic, new SyntheticReport { Frames = list });
    }
}
