using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Metrics;
using TileCompile.Engine.Stacking;
using TileCompile.Engine.Contracts;
using StackKeys = TileCompile.Engine.Config.ConfigKeys.Stacking;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>
/// Phase 10: the final stack. Full mode combines the synthetic frames with cluster-quality weights
/// <c>w_k = exp(κ·Q_k)</c> (capped) and sigma clipping; reduced mode takes the phase-7
/// reconstruction. Then the output step: back to a linear ADU scale (the reference background),
/// optional crop, CFA-phase-correct colour interpolation into an RGB cube, <c>outputs/stacked.fit</c>
/// with provenance, a PNG preview and the validation report.
/// </summary>
public sealed class StackingPhase : IPipelinePhase
{
    /// <summary>The final image.</summary>
    public const string StackedFit = "outputs/stacked.fit";
    /// <summary>The classic (unweighted, sigma-clipped) mean of the same registered frames, through the same output step.</summary>
    public const string ClassicFit = "artifacts/classic_stack.fit";

    /// <inheritdoc />
    public PhaseId Id => PhaseId.Stacking;
    /// <inheritdoc />
    public int AlgoVersion => 6;
    /// <inheritdoc />
    public IReadOnlyList<ConfigKey> ConfigKeys { get; } = new ConfigKey[]
    {
        StackKeys.Method, StackKeys.SigmaLow, StackKeys.SigmaHigh, StackKeys.MaxIters, StackKeys.MinFraction, StackKeys.ClusterWeighting,
        StackKeys.KappaCluster, StackKeys.CapRatio, StackKeys.SyntheticRejection, Config.ConfigKeys.Output.CropToCommonArea, Config.ConfigKeys.Output.PngPreview,
        Config.ConfigKeys.Assumptions.FramesMin, Config.ConfigKeys.Assumptions.FramesReducedThreshold, Config.ConfigKeys.RuntimeLimits.MemoryBudgetMiB,
    };
    /// <inheritdoc />
    public IReadOnlyList<PhaseId> Reads { get; } = new[]
    {
        PhaseId.ScanInput, PhaseId.Registration, PhaseId.ChannelSplit, PhaseId.Normalization, PhaseId.GlobalMetrics, PhaseId.TileGrid,
        PhaseId.TileReconstruction, PhaseId.SyntheticFrames,
    };
    /// <inheritdoc />
    public bool ReadsInputFrames => false;

    /// <inheritdoc />
    public bool ReadsArtifact(PhaseId upstream, string path) =>
        (upstream is PhaseId.TileReconstruction && !path.StartsWith("work/clip_bounds_", StringComparison.Ordinal))
        || upstream is PhaseId.SyntheticFrames || path.StartsWith("artifacts/", StringComparison.Ordinal);

    /// <inheritdoc />
    public void Run(PhaseContext context)
    {
        var registration = context.Read(ArtifactCatalog.Registration);
        var channels = context.Read(ArtifactCatalog.Channels);
        var norm = context.Read(ArtifactCatalog.Normalization);
        var global = context.Read(ArtifactCatalog.GlobalMetrics);
        var grid = channels.StackGrid(context.Read(ArtifactCatalog.TileGrid));
        var used = channels.Frames.Count;
        var mode = RunModes.For(used, context.Config.Get(Config.ConfigKeys.Assumptions.FramesMin), context.Config.Get(Config.ConfigKeys.Assumptions.FramesReducedThreshold));
        context.SetFact("mode", mode.ToString().ToLowerInvariant());
        if (mode == RunMode.Emergency)
            context.Warn("emergency_mode", $"only {used} usable frames, below assumptions.frames_min ({context.Config.Get(Config.ConfigKeys.Assumptions.FramesMin)}): the result is below the method's minimum");

        var (w, h) = channels.StackSize();
        var planes = mode == RunMode.Full ? SyntheticStack.Planes(context, channels, grid, w, h) : ReadPlanes(context, channels, ImageArtifacts.Reconstructed);
        var classic = ReadPlanes(context, channels, ImageArtifacts.Classic);

        // Back to the reference frame's linear scale.
        var refIndex = norm.Frames.FindIndex(f => f.Frame == registration.Reference);
        var scales = Enumerable.Range(0, planes.Count).Select(c =>
            refIndex >= 0 ? norm.Frames[refIndex].Background[c] : RobustStats.Median(norm.Frames.Select(f => f.Background[c]).ToList())).ToArray();
        var area = context.Config.Get(Config.ConfigKeys.Output.CropToCommonArea) ? OutputStep.CommonArea(planes, w, h) : (0, 0, w, h);
        var (output, outWidth, outHeight, outPlanes, filled) = OutputStep.Compose(planes, scales, w, h, area, HalfResolutionPattern(channels));
        if (filled > 0)
            context.Warn("uncovered_pixels", $"{filled} output pixels had no data from any frame (edges left uncovered by drift or rotation); they were set to the background level");
        // The classic stack of the same registered frames, through the same output step: what validation measures against.
        var (classicOutput, _, _, _, _) = OutputStep.Compose(classic, scales, w, h, area, HalfResolutionPattern(channels));
        // The output's planes, split once for both validation and the preview.
        var outputPlanes = new StackImage(output, outWidth, outHeight, outPlanes).PlaneList();
        // The preview is drawn while validation measures (each on its own copy of nothing but the output).
        object validation = null!;
        byte[]? preview = null;
        int previewWidth = 0, previewHeight = 0;
        Parallel.Invoke(context.ParallelOptions,
            () => validation = StackValidation.Validate(context, channels, grid, global, planes, classic, mode,
                outputPlanes, new StackImage(classicOutput, outWidth, outHeight, outPlanes)),
            () =>
            {
                if (context.Config.Get(Config.ConfigKeys.Output.PngPreview))
                    preview = PreviewStretch.ToBytes(outputPlanes, outWidth, outHeight, 1200, out previewWidth, out previewHeight);
            });

        var header = OutputHeader(context, registration, channels, used, mode, area, (w, h));
        context.WriteArtifact(StackedFit, s => FitsWriter.WriteFloat32(s, output, outWidth, outHeight, outPlanes, header));
        header.Set("TC-STACK", "classic", "unweighted sigma-clipped mean, for comparison");
        context.WriteArtifact(ClassicFit, s => FitsWriter.WriteFloat32(s, classicOutput, outWidth, outHeight, outPlanes, header), consumed: false);
        if (preview is not null)
            context.WriteArtifact("artifacts/preview.png", s => PngWriter.Write(s, previewWidth, previewHeight, outPlanes == 3, preview), consumed: false);
        context.WriteJson("artifacts/validation.json", validation, consumed: false);
        context.SetFact("output_width", outWidth);
        context.SetFact("output_height", outHeight);
    }

    // One plane per channel from the phase-7 image of each channel that `path` names.
    private static List<float[]> ReadPlanes(PhaseContext context, ChannelReport channels, Func<string, string> path) => channels.Channels.Select(name =>
    {
        using var image = FitsImage.Open(context.Paths.Resolve(path(name)));
        return image.ReadPlane();
    }).ToList();

    // The provenance header, with the reference frame's WCS moved onto the output grid (drizzle scale, then crop).
    private static FitsHeader OutputHeader(PhaseContext context, RegistrationReport registration, ChannelReport channels, int used, RunMode mode,
        (int X, int Y, int Width, int Height) area, (int Width, int Height) grid)
    {
        var header = StackHeader.For(context, registration, channels, used, mode);
        WcsGeometry.Adjust(header, channels.Drizzle?.Scale ?? 1, area.X, area.Y);
        if ((area.Width, area.Height) != grid)
        {
            header.Set("TC-CROPX", (long)area.X, "first output column in the uncropped grid (0-based)");
            header.Set("TC-CROPY", (long)area.Y, "first output row in the uncropped grid (0-based)");
        }
        return header;
    }

    // The Bayer pattern when the planes are half-resolution CFA sub-planes that the output step must interpolate; null otherwise.
    private static string? HalfResolutionPattern(ChannelReport channels) => channels.Debayered || channels.Drizzle is not null ? null : channels.BayerPattern;
}
