using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Registration;
using TileCompile.Engine.Contracts;
using TileCompile.Engine.Runs;
using Keys = TileCompile.Engine.Config.ConfigKeys.Registration;
using DrizzleKeys = TileCompile.Engine.Config.ConfigKeys.Drizzle;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>
/// Phase 1: choose the reference, detect and match stars, fit each frame's transform and warp it
/// onto the reference grid (per Bayer sub-plane for CFA). Frames that cannot be registered are
/// excluded with a warning; finished frames are recorded so a resume redoes only the missing ones.
/// </summary>
public sealed class RegistrationPhase : IPipelinePhase
{
    /// <summary>Artifact path of the report.</summary>
    public const string ReportJson = "artifacts/registration.json";

    /// <inheritdoc />
    public PhaseId Id => PhaseId.Registration;
    /// <inheritdoc />
    public int AlgoVersion => 8;
    /// <inheritdoc />
    public IReadOnlyList<ConfigKey> ConfigKeys { get; } = new ConfigKey[]
    {
        Keys.Engine, Keys.Transform, Keys.AllowRotation, Keys.StarTopK, Keys.StarMinInliers, Keys.StarInlierTolPx,
        Keys.MaxRmsPx, Keys.DetectionSigma, Keys.ReferenceFrame, Keys.Interpolation, Keys.Debayer,
        DrizzleKeys.Mode, DrizzleKeys.MinFrames, DrizzleKeys.Scale, DrizzleKeys.Pixfrac,
        Config.ConfigKeys.Calibration.Bias, Config.ConfigKeys.Calibration.Darks, Config.ConfigKeys.Calibration.Flats, Config.ConfigKeys.Calibration.DarkFlats,
        Config.ConfigKeys.Calibration.Discover, Config.ConfigKeys.Calibration.Combine, Config.ConfigKeys.Calibration.TemperatureTolerance, Config.ConfigKeys.Calibration.DarkScaling, Config.ConfigKeys.Input.Pattern,
    };
    /// <inheritdoc />
    public IReadOnlyList<PhaseId> Reads { get; } = new[] { PhaseId.ScanInput };
    /// <inheritdoc />
    public bool ReadsInputFrames => true;
    /// <inheritdoc />
    public bool ReadsCalibrationFrames => true;

    // What every frame is registered against and with.
    private sealed record FrameJob(CalibrationStep.LightReader Reader, string ReferenceName, BayerPattern? Pattern, FrameStars Reference,
        RegistrationSettings Settings, IReadOnlyList<int> Defects);

    /// <inheritdoc />
    public void Run(PhaseContext context)
    {
        var scan = context.Read(ArtifactCatalog.Scan);
        var frames = scan.Frames;
        var pattern = frames[0].BayerPattern is { } p ? BayerPattern.Parse(p) : (BayerPattern?)null;
        if (frames[0].ColorMode == "RGB")
            throw new NotSupportedException("RGB cube input is not registered by this engine version; supply mono or CFA (Bayer) frames");
        var settings = RegistrationSettings.Read(context, frames.Count, pattern is not null);
        if (pattern is not null) context.SetFact("colour_path", settings.ColourPath(context));
        if (settings.DrizzleReason is not null) context.SetFact("drizzle", settings.DrizzleReason);

        var reader = new CalibrationStep.LightReader(CalibrationStep.Masters(context, frames, pattern));
        var reference = ReferenceStep.Choose(context, reader, frames, pattern, settings.DetectionSigma);
        var defects = reference.Defects ?? Array.Empty<int>();
        context.SetFact("sensor_defects", defects.Length);
        var (referenceCorrelation, referenceAlignment, width, height) = ReferenceStep.Images(reader, frames[reference.Index].Path, pattern, ReferenceStep.Saturation(frames[reference.Index]), defects);
        var referenceStars = new FrameStars(
            reference.Stars.Select(s => new Star(s[0], s[1], s[2], s[3], s[4], 1, 0)).ToList(),
            reference.FullResolution.Select(s => (s[0], s[1])).ToList(),
            reference.MedianFwhm, reference.Background, reference.Noise)
        {
            Correlation = referenceCorrelation,
            Alignment = referenceAlignment,
            Width = width,
            Height = height,
        };
        var job = new FrameJob(reader, reference.Frame, pattern, referenceStars, settings, defects);

        // A frame kept from an earlier attempt is taken as it was, an excluded one again only when failed frames are retried.
        var results = PerFrameDriver.RunWithArtifacts(context, frames.Select(f => f.File).ToList(), i =>
        {
            var frame = frames[i];
            var result = RegisterFrame(context, job, frame, i == reference.Index, out var artifacts);
            if (result.Status != "ok") context.Warn("frame_excluded", $"{frame.File} excluded from registration: {result.Reason}", frame.File);
            return (result, artifacts);
        }, redo: previous => previous.Status != "ok" && context.RetryExcludedFrames);

        context.Write(ArtifactCatalog.Registration, RegistrationFrameResult.Report(frames, results!, reference, pattern, settings, width, height));
        var ok = results.Count(r => r!.Status == "ok");
        context.SetFact(RunModes.UsableFramesFact, ok);
        context.SetFact("excluded_frames", scan.Excluded.Count + frames.Count - ok);
        context.SetFact("reference", reference.Frame);
        if (ok < 2)
            throw new InvalidDataException($"only {ok} of {frames.Count} frames could be registered: at least 2 are needed to stack " +
                                           $"(first reason: {results.FirstOrDefault(r => r!.Status != "ok")?.Reason})");
    }

    private static RegistrationFrameResult RegisterFrame(PhaseContext context, FrameJob job, ScanReport.Frame frame, bool isReference, out IReadOnlyList<ArtifactRecord> artifacts)
    {
        artifacts = Array.Empty<ArtifactRecord>();
        var (pattern, settings) = (job.Pattern, job.Settings);
        ImagePlane raw;
        FitsHeader header;
        try
        {
            raw = job.Reader.Read(frame.Path, out header);
        }
        catch (FitsFormatException e)
        {
            return new RegistrationFrameResult("excluded", "unreadable: " + e.Reason, null, null, null, 0, null, null);
        }
        // Sensor defects and pixels without data (NaN, ±Inf) are filled from their own colour's neighbours before
        // anything looks at the frame; the holes are masked again after warping, so they never contribute.
        var holes = SensorDefects.Repair(raw, job.Defects, pattern is not null);
        if (holes.Count > raw.Data.Length / 2)
            return new RegistrationFrameResult("excluded", $"{holes.Count} of {raw.Data.Length} pixels have no data (NaN or infinite)", null, null, null, 0, null, null);

        var stars = FrameRegistrar.Stars(raw, pattern, settings.DetectionSigma, ReferenceStep.Saturation(frame));
        var outcome = isReference
            ? new RegistrationOutcome(AffineTransform.Identity, 0, stars.Stars.Count, null, "reference")
            : FrameRegistrar.Register(job.Reference, stars, pattern is not null, settings.Match, settings.MinInliers, settings.MaxRmsPx, settings.Engine);
        if (outcome.Reason is not null)
            return new RegistrationFrameResult("excluded", outcome.Reason, null, double.IsFinite(outcome.RmsPx) ? Math.Round(outcome.RmsPx, 4) : null, outcome.Inliers,
                stars.Stars.Count, stars.MedianFwhm, null, outcome.Method);
        var transform = outcome.Transform;

        var (pixels, planes) = FrameWarper.WarpFrame(raw, pattern, settings.Debayer, transform, settings.Interpolation, holes);
        // Star shapes where the reference's stars now are (the green plane of colour cubes; CFA mosaics are not measured).
        var ellipticity = pattern is not null && planes != 3 ? null
            : Metrics.FrameShape.Ellipticity(pixels.AsSpan((planes == 3 ? 1 : 0) * raw.Width * raw.Height, raw.Width * raw.Height), raw.Width, raw.Height,
                job.Reference.FullResolution);
        var record = RegisteredFrameFiles.WriteWarped(context, frame.File, pixels, raw.Width, raw.Height, planes, header, job.ReferenceName, transform,
            outcome.RmsPx, outcome.Inliers, settings.Debayer);
        string? drizzled = null;
        artifacts = new[] { record };
        if (settings.Drizzle is { } drizzle)
        {
            var (path, values, coverage) = RegisteredFrameFiles.WriteDrizzled(context, frame.File, raw, pattern, transform, drizzle, holes, job.Defects, header);
            drizzled = path;
            artifacts = new[] { record, values, coverage };
        }
        return new RegistrationFrameResult("ok", null, transform.ToArray().Select(v => Math.Round(v, 10)).ToArray(), Math.Round(outcome.RmsPx, 4), outcome.Inliers,
            stars.Stars.Count, stars.MedianFwhm, RegisteredFrameFiles.WarpedPath(frame.File), outcome.Method, outcome.ImageAligned,
            Metrics.ImageMetrics.RawNoise(raw, pattern), drizzled, ellipticity?.Select(e => Math.Round(e, 4)).ToArray());
    }
}
