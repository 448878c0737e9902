using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Reconstruction;
using TileCompile.Engine.Stacking;
using TileCompile.Engine.Contracts;
using Clip = TileCompile.Engine.Config.ConfigKeys.Stacking;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>
/// Phase 7: seam-free reconstruction per channel, <c>R(p) = Σ_f w_f(p)·v_f(p)·I_f(p) / Σ_f w_f(p)·v_f(p)</c>
/// with Hann-blended tile weights and per-pixel sigma clipping. Also writes the classic
/// (unweighted, clipped) mean of the same frames for the validation report.
/// </summary>
public sealed class TileReconstructionPhase : IPipelinePhase
{
    /// <summary>Report path.</summary>
    public const string ReportJson = "artifacts/tile_reconstruction.json";

    /// <summary>Reconstruction of a channel.</summary>
    public static string ReconstructedPath(string channel) => ImageArtifacts.Reconstructed(channel);
    /// <summary>Classic mean of a channel.</summary>
    public static string ClassicPath(string channel) => ImageArtifacts.Classic(channel);
    /// <summary>Per-pixel acceptance interval of the clipping over all frames (low and high planes) of a channel.</summary>
    public static string BoundsPath(string channel) => ImageArtifacts.ClipBounds(channel);

    /// <inheritdoc />
    public PhaseId Id => PhaseId.TileReconstruction;
    /// <inheritdoc />
    public int AlgoVersion => 4;
    /// <inheritdoc />
    public IReadOnlyList<ConfigKey> ConfigKeys { get; } = new ConfigKey[]
    {
        Clip.Method, Clip.SigmaLow, Clip.SigmaHigh, Clip.MaxIters, Clip.MinFraction, Config.ConfigKeys.RuntimeLimits.MemoryBudgetMiB,
    };
    /// <inheritdoc />
    public IReadOnlyList<PhaseId> Reads { get; } = new[] { PhaseId.Registration, PhaseId.ChannelSplit, PhaseId.Normalization, PhaseId.TileGrid, PhaseId.LocalMetrics };
    /// <inheritdoc />
    public bool ReadsArtifact(PhaseId upstream, string path) => upstream != PhaseId.Registration || ImageArtifacts.IsStackInput(path);
    /// <inheritdoc />
    public bool ReadsInputFrames => false;

    /// <inheritdoc />
    public void Run(PhaseContext context)
    {
        var channels = context.Read(ArtifactCatalog.Channels);
        var norm = context.Read(ArtifactCatalog.Normalization);
        var grid = channels.StackGrid(context.Read(ArtifactCatalog.TileGrid));
        var (width, height) = channels.StackSize();
        var weights = LocalWeightsFile.Read(context.Paths.Resolve(ImageArtifacts.LocalWeights));
        var field = new TileWeightField(grid.Grid());
        var clip = ImageArtifacts.ClipOptions(context.Config);
        var budget = (long)context.Config.Get(Config.ConfigKeys.RuntimeLimits.MemoryBudgetMiB) * 1024 * 1024;
        var perChannel = new List<object>();
        var coverage = channels.Drizzle is null ? null : new float[width * height * channels.Channels.Count];
        var weightSum = channels.Drizzle is null ? null : new float[width * height * channels.Channels.Count];
        for (var c = 0; c < channels.Channels.Count; c++)
        {
            var name = channels.Channels[c];
            var sources = channels.Frames.Select((_, i) => channels.Source(context, i, c, (float)(1 / norm.Frames[i].Background[c]))).ToList();
            var tileWeights = weights.Weight.Select(f => f[c]).ToList();
            var channelIndex = c;
            var result = BandStacker.Stack(width, height, sources, new TileWeights(field, tileWeights), new Rejection { Clip = clip },
                classic: true, recordBounds: true, budget, context.ParallelOptions,
                (done, total) => context.Progress(channelIndex * total + done, channels.Channels.Count * total, $"channel {name}"));
            // Drizzle leaves a pixel empty where no frame's drop reached it; the registered frames have data there.
            var filled = channels.Drizzle is null ? 0 : DrizzleMaps.FillFromRegistered(context, channels, norm, c, width, height, result.Image, result.Classic!);
            if (coverage is not null)
            {
                result.Coverage!.CopyTo(coverage, c * width * height);
                result.WeightTotal!.CopyTo(weightSum!, c * width * height);
            }
            perChannel.Add(WriteChannel(context, name, result, width, height, grid, tileWeights, filled));
        }
        if (coverage is not null) DrizzleMaps.Write(context, channels, coverage, weightSum!, width, height, CoverageFit, WeightFit);
        context.WriteJson(ReportJson, new { frames = channels.Frames.Count, tiles = field.TileCount, channels = perChannel, stack_path = channels.StackPath }, consumed: false);
    }

    // One channel's line of the report (snake_case in the JSON, in this order).
    private sealed record ReconstructedChannel(string Channel, long RejectionFallbackPixels, long WeightFallbackPixels, long EmptyPixels, int FilledFromRegisteredFrames, double WeightMin, double WeightMedian, double WeightMax, double BoundaryStepMedian, double InteriorStepMedian, double BoundaryToInteriorRatio);

    // The channel's reconstruction, classic mean and clip bounds, and what the report says of it.
    private static ReconstructedChannel WriteChannel(PhaseContext context, string name, StackResult result, int width, int height, TileGridReport grid,
        List<double[]> tileWeights, int filled)
    {
        var header = new FitsHeader();
        header.Set("TC-CHAN", name, "channel");
        header.Set("TC-NORM", true, "background-normalized (background = 1)");
        context.WriteArtifact(ReconstructedPath(name), s => FitsWriter.WriteFloat32(s, result.Image, width, height, header: header));
        context.WriteArtifact(ClassicPath(name), s => FitsWriter.WriteFloat32(s, result.Classic!, width, height, header: header));
        // Synthetic frames reject by this decision, taken over all frames: clipping again inside a
        // cluster of a few frames would mistake the sharp frames' star cores for outliers.
        context.WriteArtifact(BoundsPath(name), s => FitsWriter.WriteFloat32(s, result.Bounds!, width, height, 2, header));
        var seams = SeamDiagnostics.Measure(new ImagePlane(width, height, result.Image), grid.Grid());
        var flat = tileWeights.SelectMany(w => w).OrderBy(v => v).ToArray();
        var report = new ReconstructedChannel(name, result.RejectionFallbacks, result.WeightFallbacks, result.EmptyPixels, filled, flat[0], flat[flat.Length / 2], flat[^1], seams.Boundary, seams.Interior, seams.Ratio);
        if (result.WeightFallbacks > 0)
            context.Warn("weight_fallback", $"channel {name}: {result.WeightFallbacks} pixels had (almost) zero total weight; their plain mean was used");
        if (result.RejectionFallbacks > 0.01 * width * height)
            context.Warn("rejection_fallback", $"channel {name}: {result.RejectionFallbacks} pixels kept too few samples after rejection; their unclipped mean was used");
        return report;
    }

    /// <summary>Drizzle coverage per channel: how many frames' worth of drops fell on each output pixel.</summary>
    public const string CoverageFit = "artifacts/drizzle_coverage.fit";
    /// <summary>Drizzle weight per channel: the summed weights that went into each output pixel.</summary>
    public const string WeightFit = "artifacts/drizzle_weight.fit";
}
