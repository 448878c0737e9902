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
            var filled = channels.Drizzle is null ? 0 : FillFromRegistered(context, channels, norm, c, width, height, result.Image, result.Classic!);
            var header = new FitsHeader();
            header.Set("TC-CHAN", name, "channel");
            header.Set("TC-NORM", true, "background-normalized (background = 1)");
            context.WriteArtifact(ReconstructedPath(name), s => FitsWriter.WriteFloat32(s, result.Image, width, height, header: header));
            context.WriteArtifact(ClassicPath(name), s => FitsWriter.WriteFloat32(s, result.Classic!, width, height, header: header));
            // Synthetic frames reject by this decision, taken over all frames: clipping again inside a
            // cluster of a few frames would mistake the sharp frames' star cores for outliers.
            context.WriteArtifact(BoundsPath(name), s => FitsWriter.WriteFloat32(s, result.Bounds!, width, height, 2, header));
            var seams = SeamDiagnostics.Measure(new ImagePlane(width, height, result.Image), grid.Grid());
            if (coverage is not null)
            {
                result.Coverage!.CopyTo(coverage, c * width * height);
                result.WeightTotal!.CopyTo(weightSum!, c * width * height);
            }
            var flat = tileWeights.SelectMany(w => w).OrderBy(v => v).ToArray();
            perChannel.Add(new
            {
                channel = name,
                rejection_fallback_pixels = result.RejectionFallbacks,
                weight_fallback_pixels = result.WeightFallbacks,
                empty_pixels = result.EmptyPixels,
                filled_from_registered_frames = filled,
                weight_min = flat[0],
                weight_median = flat[flat.Length / 2],
                weight_max = flat[^1],
                boundary_step_median = seams.Boundary,
                interior_step_median = seams.Interior,
                boundary_to_interior_ratio = seams.Ratio,
            });
            if (result.WeightFallbacks > 0)
                context.Warn("weight_fallback", $"channel {name}: {result.WeightFallbacks} pixels had (almost) zero total weight; their plain mean was used");
            if (result.RejectionFallbacks > 0.01 * width * height)
                context.Warn("rejection_fallback", $"channel {name}: {result.RejectionFallbacks} pixels kept too few samples after rejection; their unclipped mean was used");
        }
        if (coverage is not null)
        {
            var header = new FitsHeader();
            header.Set("TC-CHAN", string.Join(",", channels.Channels), "planes of this cube");
            header.Set("TC-DRIZ", $"scale {channels.Drizzle!.Scale}, pixfrac {channels.Drizzle.Pixfrac}", "drizzle grid");
            header.Set("TC-MAP", "coverage", "summed drop coverage over the frames, in output-pixel areas");
            context.WriteArtifact(CoverageFit, s => FitsWriter.WriteFloat32(s, coverage, width, height, channels.Channels.Count, header), consumed: false);
            header.Set("TC-MAP", "weight", "summed frame and tile weight times coverage, before rejection");
            context.WriteArtifact(WeightFit, s => FitsWriter.WriteFloat32(s, weightSum!, width, height, channels.Channels.Count, header), consumed: false);
        }
        context.WriteJson(ReportJson, new { frames = channels.Frames.Count, tiles = field.TileCount, channels = perChannel, stack_path = channels.StackPath }, consumed: false);
    }

    // Pixels no drop reached, filled with the normalized mean of the registered (interpolated) frames at the same
    // place, in both the reconstruction and the classic mean. Returns how many were filled.
    private static int FillFromRegistered(PhaseContext context, ChannelReport channels, NormalizationReport norm, int c, int width, int height,
        float[] image, float[] classic)
    {
        var holes = new List<int>();
        for (var i = 0; i < image.Length; i++) if (!float.IsFinite(image[i])) holes.Add(i);
        if (holes.Count == 0) return 0;
        double sx = (double)channels.Width / width, sy = (double)channels.Height / height;
        var at = holes.Select(i => Math.Clamp((int)Math.Round(((i / width) + 0.5) * sy - 0.5), 0, channels.Height - 1) * channels.Width
                                   + Math.Clamp((int)Math.Round(((i % width) + 0.5) * sx - 0.5), 0, channels.Width - 1)).ToArray();
        var sum = new double[holes.Count];
        var count = new int[holes.Count];
        for (var f = 0; f < channels.Frames.Count; f++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            using var fits = FitsImage.Open(context.Paths.Resolve(channels.Frames[f].Path));
            var plane = fits.ReadPlane(c);
            var scale = 1 / norm.Frames[f].Background[c];
            for (var k = 0; k < holes.Count; k++)
            {
                var v = plane[at[k]];
                if (!float.IsFinite(v)) continue;
                sum[k] += v * scale;
                count[k]++;
            }
        }
        var filled = 0;
        for (var k = 0; k < holes.Count; k++)
        {
            if (count[k] == 0) continue;
            image[holes[k]] = (float)(sum[k] / count[k]);
            if (!float.IsFinite(classic[holes[k]])) classic[holes[k]] = image[holes[k]];
            filled++;
        }
        return filled;
    }

    /// <summary>Drizzle coverage per channel: how many frames' worth of drops fell on each output pixel.</summary>
    public const string CoverageFit = "artifacts/drizzle_coverage.fit";
    /// <summary>Drizzle weight per channel: the summed weights that went into each output pixel.</summary>
    public const string WeightFit = "artifacts/drizzle_weight.fit";
}
