using System.Globalization;
using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Metrics;
using TileCompile.Engine.Reconstruction;
using TileCompile.Engine.Registration;
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
        var planes = new List<float[]>();
        if (mode == RunMode.Full)
        {
            var synthetic = context.Read(ArtifactCatalog.Synthetic);
            var weights = ClusterWeights(context, synthetic);
            var field = new TileWeightField(grid.Grid());
            var clip = ImageArtifacts.ClipOptions(context.Config);
            var budget = (long)context.Config.Get(Config.ConfigKeys.RuntimeLimits.MemoryBudgetMiB) * 1024 * 1024;
            for (var c = 0; c < channels.Channels.Count; c++)
            {
                var sources = synthetic.Frames.Select(s => new StackSource(context.Paths.Resolve(s.Path), c, 1f)).ToList();
                // Outliers were rejected inside each cluster; clipping across clusters would clip the sharper
                // clusters' star cores, so it is optional (stacking.synthetic_rejection).
                var finalClip = context.Config.Get(StackKeys.SyntheticRejection) && synthetic.Frames.Count >= 3 ? clip : null;
                // Each synthetic frame weighs, pixel by pixel, as much as the frames it was made of weigh
                // there: a cluster of sharp frames leads where it is sharp, as the frames would without clustering.
                IWeightProvider provider = synthetic.Frames.All(s => s.TileWeightSums is not null)
                    ? new TileWeights(field, synthetic.Frames.Select((s, k) => s.TileWeightSums![c].Select(v => v * weights[k]).ToArray()).ToList())
                    : new ConstantWeights(weights.Select((v, k) => v * Mass(synthetic.Frames[k])).ToList());
                var result = BandStacker.Stack(w, h, sources, provider, finalClip, classic: false,
                    budget, context.ParallelOptions);
                if (channels.Drizzle is not null) FillFromReconstruction(context, channels.Channels[c], result.Image);
                planes.Add(result.Image);
            }
        }
        else
        {
            foreach (var name in channels.Channels)
            {
                using var image = FitsImage.Open(context.Paths.Resolve(ImageArtifacts.Reconstructed(name)));
                planes.Add(image.ReadPlane());
            }
        }
        var classic = channels.Channels.Select(name =>
        {
            using var image = FitsImage.Open(context.Paths.Resolve(ImageArtifacts.Classic(name)));
            return image.ReadPlane();
        }).ToList();

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
            () => validation = Validate(context, channels, grid, global, planes, classic, mode,
                outputPlanes, new StackImage(classicOutput, outWidth, outHeight, outPlanes)),
            () =>
            {
                if (context.Config.Get(Config.ConfigKeys.Output.PngPreview))
                    preview = PreviewStretch.ToBytes(outputPlanes, outWidth, outHeight, 1200, out previewWidth, out previewHeight);
            });

        var header = StackHeader.For(context, registration, channels, used, mode);
        // The reference frame's WCS, moved onto the output grid (drizzle scale, then crop).
        WcsGeometry.Adjust(header, channels.Drizzle?.Scale ?? 1, area.Item1, area.Item2);
        if ((area.Item3, area.Item4) != (w, h))
        {
            header.Set("TC-CROPX", (long)area.Item1, "first output column in the uncropped grid (0-based)");
            header.Set("TC-CROPY", (long)area.Item2, "first output row in the uncropped grid (0-based)");
        }
        context.WriteArtifact(StackedFit, s => FitsWriter.WriteFloat32(s, output, outWidth, outHeight, outPlanes, header));
        header.Set("TC-STACK", "classic", "unweighted sigma-clipped mean, for comparison");
        context.WriteArtifact(ClassicFit, s => FitsWriter.WriteFloat32(s, classicOutput, outWidth, outHeight, outPlanes, header), consumed: false);
        if (preview is not null)
            context.WriteArtifact("artifacts/preview.png", s => PngWriter.Write(s, previewWidth, previewHeight, outPlanes == 3, preview), consumed: false);
        context.WriteJson("artifacts/validation.json", validation, consumed: false);
        context.SetFact("output_width", outWidth);
        context.SetFact("output_height", outHeight);
    }

    // Each synthetic frame counts with the data it carries (the sum of its frames' weights), so a
    // one-frame cluster cannot weigh as much as a fifty-frame one; this is the factor quality
    // weighting puts on top of that (1 when it is off).
    private static double[] ClusterWeights(PhaseContext context, SyntheticReport synthetic)
    {
        if (!context.Config.Get(StackKeys.ClusterWeighting)) return synthetic.Frames.Select(_ => 1.0).ToArray();
        var kappa = context.Config.Get(StackKeys.KappaCluster);
        var quality = synthetic.Frames.Select(s => Math.Exp(kappa * s.Quality)).ToArray();
        var cap = context.Config.Get(StackKeys.CapRatio) * RobustStats.Median(quality.ToList());
        return quality.Select(v => Math.Min(v, cap)).ToArray();
    }

    private static double Mass(SyntheticFrame s) => s.WeightSum > 0 ? s.WeightSum : s.Members;

    // Honest validation: the result against the classic clipped mean of the same registered frames, both
    // measured the same way on the output images (Moffat FWHM, aperture signal-to-noise of the same stars).
    private static object Validate(PhaseContext context, ChannelReport channels, TileGridReport grid, GlobalMetricsReport global,
        List<float[]> planes, List<float[]> classic, RunMode mode, List<float[]> result, StackImage reference)
    {
        // Luminance of the channel planes: G for colour data, L for mono.
        var lum = channels.Channels.Count == 3 ? 1 : 0;
        var (w, h) = channels.StackSize();
        var plane = new ImagePlane(w, h, planes[lum]);
        var mean = new ImagePlane(w, h, classic[lum]);
        // The classic stack only changes with the phases before this one, so a re-run of this phase (a resume from
        // STACKING) finds its figures in the memo of the last attempt when the classic images are the same, bit for bit.
        var key = ClassicMeasures.KeyOf(reference, mean.Data);
        var memo = ReadMemo(context.Paths.Resolve(ClassicMemoPath)) is { } m && m.Key == key ? m : null;
        var figures = ResultValidation.Measure(result, reference, plane, mean, grid.Grid(), memo, key, context.ParallelOptions);
        var (q, c) = (figures.Result, figures.Classic.Figures);
        context.WriteJson(ClassicMemoPath, figures.Classic, consumed: false);
        var noiseRatio = figures.NoiseRatio;
        var seamsMeanRatio = figures.Classic.SeamRatio;
        var g = global.Frames.Select(f => f.Weight.Average()).OrderBy(v => v).ToArray();

        var fwhmImprovement = 100 * (c.FwhmPx - q.FwhmPx) / c.FwhmPx;
        var snrRatio = q.ApertureSnr / c.ApertureSnr;
        var failures = new List<string>();
        var measured = double.IsFinite(fwhmImprovement) && double.IsFinite(snrRatio);
        if (measured && fwhmImprovement < 0 && snrRatio < 1)
            failures.Add($"the result is worse than the classic clipped mean of the same frames on both counts: FWHM {q.FwhmPx:0.00} px against {c.FwhmPx:0.00} px, " +
                         $"aperture SNR {q.ApertureSnr:0.0} against {c.ApertureSnr:0.0}");
        if (!(figures.SeamRatio <= Math.Max(1.2, seamsMeanRatio * 1.1))) failures.Add($"steps across tile boundaries are {figures.SeamRatio:0.00}× the steps elsewhere");
        foreach (var f in failures) context.Warn("validation_failed", "validation: " + f);
        context.SetFact("validation", failures.Count == 0 ? (measured ? "passed" : "not measured") : "failed");
        return new
        {
            mode = mode.ToString().ToLowerInvariant(),
            frames = channels.Frames.Count,
            reference = "classic sigma-clipped mean of the same registered frames (artifacts/classic_stack.fit)",
            fwhm_result_px = q.FwhmPx,
            fwhm_classic_px = c.FwhmPx,
            fwhm_stars = q.FwhmStars,
            fwhm_improvement_percent = fwhmImprovement,
            hfd_result_px = q.HfdPx,
            hfd_classic_px = c.HfdPx,
            aperture_snr_result = q.ApertureSnr,
            aperture_snr_classic = c.ApertureSnr,
            aperture_snr_ratio = snrRatio,
            snr_stars = q.SnrStars,
            stars_at_5sigma_result = q.StarsAt5Sigma,
            stars_at_5sigma_classic = c.StarsAt5Sigma,
            darkest_ring_sigma = q.DarkestRingSigma,
            hot_residue = q.HotResidue,
            cold_residue = q.ColdResidue,
            background_noise_ratio = noiseRatio,
            tile_boundary_step_ratio = figures.SeamRatio,
            tile_boundary_step_ratio_classic = seamsMeanRatio,
            global_weight_min = g[0],
            global_weight_median = g[g.Length / 2],
            global_weight_max = g[^1],
            passed = failures.Count == 0,
            failures,
        };
    }


    private const string ClassicMemoPath = "artifacts/classic_measures.json";

    // A memo that is missing, unreadable or of another shape is no memo: the figures are measured again.
    private static ClassicMeasures? ReadMemo(string path)
    {
        try
        {
            return File.Exists(path) ? System.Text.Json.JsonSerializer.Deserialize<ClassicMeasures>(File.ReadAllBytes(path), PhaseContext.JsonFormat) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or NotSupportedException)
        {
            return null;
        }
    }


    // Drizzled pixels no drop reached in any cluster: phase 7 filled them from the registered frames; take those.
    private static void FillFromReconstruction(PhaseContext context, string channel, float[] image)
    {
        if (Array.TrueForAll(image, float.IsFinite)) return;
        using var fits = FitsImage.Open(context.Paths.Resolve(ImageArtifacts.Reconstructed(channel)));
        var reconstruction = fits.ReadPlane();
        for (var i = 0; i < image.Length; i++) if (!float.IsFinite(image[i])) image[i] = reconstruction[i];
    }

    // The Bayer pattern when the planes are half-resolution CFA sub-planes that the output step must interpolate; null otherwise.
    private static string? HalfResolutionPattern(ChannelReport channels) => channels.Debayered || channels.Drizzle is not null ? null : channels.BayerPattern;
}
