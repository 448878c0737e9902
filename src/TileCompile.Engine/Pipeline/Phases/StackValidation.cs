using TileCompile.Engine.Imaging;
using TileCompile.Engine.Metrics;
using TileCompile.Engine.Stacking;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>What <c>artifacts/validation.json</c> says of a result, measured against the classic clipped mean of the same frames.</summary>
internal static class StackValidation
{
    // Honest validation: the result against the classic clipped mean of the same registered frames, both
    // measured the same way on the output images (Moffat FWHM, aperture signal-to-noise of the same stars).
    public static object Validate(PhaseContext context, ChannelReport channels, TileGridReport grid, GlobalMetricsReport global,
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
}
