using System.Globalization;
using System.Text.Json;
using TileCompile.Engine.Calibration;
using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Registration;
using TileCompile.Engine.Contracts;
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

    private sealed record FrameResult(string Status, string? Reason, double[]? Matrix, double? RmsPx, int? Inliers, int Stars, double? FwhmPx, string? Output, string? Method = null, bool ImageAligned = false,
        double[]? NoiseAdu = null, string? Drizzled = null, double[]? Ellipticity = null);


    // Cards that describe a mosaic: gone once the pixels are colour planes.
    private static readonly string[] MosaicCards = { "BAYERPAT", "XBAYROFF", "YBAYROFF", "COLORTYP" };


    /// <inheritdoc />
    public void Run(PhaseContext context)
    {
        var scan = context.Read(ArtifactCatalog.Scan);
        var frames = scan.Frames;
        var pattern = frames[0].BayerPattern is { } p ? BayerPattern.Parse(p) : (BayerPattern?)null;
        var cfa = pattern is not null;
        if (frames[0].ColorMode == "RGB")
            throw new NotSupportedException("RGB cube input is not registered by this engine version; supply mono or CFA (Bayer) frames");
        var sigma = context.Config.Get(Keys.DetectionSigma);
        var options = new MatchOptions
        {
            RefineStars = context.Config.Get(Keys.StarTopK),
            InlierTolerance = context.Config.Get(Keys.StarInlierTolPx) / (cfa ? 2 : 1),
            Affine = context.Config.Get(Keys.Transform) == "affine",
            AllowRotation = context.Config.Get(Keys.AllowRotation),
        };
        var engine = context.Config.Get(Keys.Engine) == "phase_correlation" ? RegistrationEngine.PhaseCorrelation : RegistrationEngine.StarMatching;
        var minInliers = context.Config.Get(Keys.StarMinInliers);
        var maxRms = context.Config.Get(Keys.MaxRmsPx);
        var interpolation = context.Config.Get(Keys.Interpolation) switch { "bilinear" => Interpolation.Bilinear, "cubic" => Interpolation.Cubic, _ => Interpolation.Lanczos3 };
        var debayer = !cfa ? (DemosaicMethod?)null : context.Config.Get(Keys.Debayer) switch
        {
            "gradient_corrected" => DemosaicMethod.GradientCorrected,
            "bilinear" => DemosaicMethod.Bilinear,
            _ => null,
        };
        if (cfa)
            context.SetFact("colour_path", debayer is not null
                ? $"debayered at full resolution ({context.Config.Get(Keys.Debayer)}) before warping, so each star keeps every photosite"
                : "half-resolution R, G, B planes warped on their own grids (registration.debayer: half_resolution)");
        var (drizzle, drizzleReason) = DrizzleChoice(context, frames.Count, cfa);
        if (drizzleReason is not null) context.SetFact("drizzle", drizzleReason);
        // Channel planes of debayered frames are frame pixels; half-resolution CFA planes are proxy (superpixel) pixels.
        var planeScale = debayer is null ? 1.0 : 2.0;

        var reader = new CalibrationStep.LightReader(CalibrationStep.Masters(context, frames, pattern));
        var reference = ReferenceStep.Choose(context, reader, frames, pattern, sigma);
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

        // A frame kept from an earlier attempt is taken as it was, an excluded one again only when failed frames are retried.
        var results = PerFrameDriver.RunWithArtifacts(context, frames.Select(f => f.File).ToList(), i =>
        {
            var frame = frames[i];
            var result = RegisterFrame(context, reader, frame, i == reference.Index, reference.Frame, pattern, referenceStars, options, sigma, ReferenceStep.Saturation(frame), minInliers, maxRms,
                engine, interpolation, debayer, drizzle, defects, out var artifacts);
            if (result.Status != "ok") context.Warn("frame_excluded", $"{frame.File} excluded from registration: {result.Reason}", frame.File);
            return (result, artifacts);
        }, redo: previous => previous.Status != "ok" && context.RetryExcludedFrames);

        var ok = results.Count(r => r!.Status == "ok");
        var report = new RegistrationReport
        {
            Reference = reference.Frame,
            Cfa = cfa,
            BayerPattern = pattern?.ToString(),
            Debayered = debayer is not null,
            Drizzle = drizzle is null ? null : new DrizzleGrid
            {
                Scale = drizzle.Scale, Pixfrac = drizzle.Pixfrac, Width = drizzle.OutputSize(width), Height = drizzle.OutputSize(height), Reason = drizzleReason,
            },
            SeeingFwhm = planeScale * RobustStats.Median(results.Where(r => r!.FwhmPx is > 0).Select(r => r!.FwhmPx!.Value).ToList()),
            ReferenceStars = debayer is null
                ? reference.Stars.Select(s => new[] { s[0], s[1], s[2] }).ToList()
                : reference.Stars.Select((s, k) => new[] { reference.FullResolution[k][0], reference.FullResolution[k][1], s[2] }).ToList(),
            Frames = frames.Select((f, i) => new RegisteredFrame
            {
                Frame = f.File,
                Status = results[i]!.Status,
                Reason = results[i]!.Reason,
                Matrix = results[i]!.Matrix,
                RmsPx = results[i]!.RmsPx,
                Inliers = results[i]!.Inliers,
                Stars = results[i]!.Stars,
                FwhmPx = results[i]!.FwhmPx * planeScale,
                Output = results[i]!.Output,
                Method = results[i]!.Method,
                ImageAligned = results[i]!.Status == "ok" ? results[i]!.ImageAligned : null,
                NoiseAdu = results[i]!.NoiseAdu,
                Drizzled = results[i]!.Drizzled,
                Ellipticity = results[i]!.Ellipticity,
            }).ToList(),
        };
        context.Write(ArtifactCatalog.Registration, report);
        context.SetFact(RunModes.UsableFramesFact, ok);
        context.SetFact("excluded_frames", scan.Excluded.Count + frames.Count - ok);
        context.SetFact("reference", reference.Frame);
        if (ok < 2)
            throw new InvalidDataException($"only {ok} of {frames.Count} frames could be registered: at least 2 are needed to stack " +
                                           $"(first reason: {results.FirstOrDefault(r => r!.Status != "ok")?.Reason})");
    }


    private static FrameResult RegisterFrame(PhaseContext context, CalibrationStep.LightReader reader, ScanReport.Frame frame, bool isReference, string referenceName, BayerPattern? pattern, FrameStars reference,
        MatchOptions options, double sigma, double saturation, int minInliers, double maxRms, RegistrationEngine engine, Interpolation interpolation,
        DemosaicMethod? debayer, DrizzleOptions? drizzle, IReadOnlyList<int> defects, out IReadOnlyList<Runs.ArtifactRecord> artifacts)
    {
        artifacts = Array.Empty<Runs.ArtifactRecord>();
        ImagePlane raw;
        FitsHeader header;
        try
        {
            raw = reader.Read(frame.Path, out header);
        }
        catch (FitsFormatException e)
        {
            return new FrameResult("excluded", "unreadable: " + e.Reason, null, null, null, 0, null, null);
        }
        // Sensor defects and pixels without data (NaN, ±Inf) are filled from their own colour's neighbours before
        // anything looks at the frame; the holes are masked again after warping, so they never contribute.
        var holes = SensorDefects.Repair(raw, defects, pattern is not null);
        if (holes.Count > raw.Data.Length / 2)
            return new FrameResult("excluded", $"{holes.Count} of {raw.Data.Length} pixels have no data (NaN or infinite)", null, null, null, 0, null, null);

        var stars = FrameRegistrar.Stars(raw, pattern, sigma, saturation);
        AffineTransform transform;
        double rms;
        int inliers;
        var method = "reference";
        var imageAligned = false;
        if (isReference)
        {
            transform = AffineTransform.Identity;
            rms = 0;
            inliers = stars.Stars.Count;
        }
        else
        {
            var outcome = FrameRegistrar.Register(reference, stars, pattern is not null, options, minInliers, maxRms, engine);
            if (outcome.Reason is not null)
                return new FrameResult("excluded", outcome.Reason, null, double.IsFinite(outcome.RmsPx) ? Math.Round(outcome.RmsPx, 4) : null, outcome.Inliers,
                    stars.Stars.Count, stars.MedianFwhm, null, outcome.Method);
            transform = outcome.Transform;
            rms = outcome.RmsPx;
            inliers = outcome.Inliers;
            method = outcome.Method;
            imageAligned = outcome.ImageAligned;
        }

        var (pixels, planes) = FrameWarper.WarpFrame(raw, pattern, debayer, transform, interpolation, holes);
        // Star shapes where the reference's stars now are (the green plane of colour cubes; CFA mosaics are not measured).
        var ellipticity = pattern is not null && planes != 3 ? null
            : Metrics.FrameShape.Ellipticity(pixels.AsSpan((planes == 3 ? 1 : 0) * raw.Width * raw.Height, raw.Width * raw.Height), raw.Width, raw.Height,
                reference.FullResolution);
        header.Set("TC-REF", referenceName, "reference frame of the registration");
        header.Set("TC-REGA", transform.A, "reference->frame matrix a");
        header.Set("TC-REGB", transform.B, "reference->frame matrix b");
        header.Set("TC-REGTX", transform.Tx, "reference->frame matrix tx");
        header.Set("TC-REGC", transform.C, "reference->frame matrix c");
        header.Set("TC-REGD", transform.D, "reference->frame matrix d");
        header.Set("TC-REGTY", transform.Ty, "reference->frame matrix ty");
        header.Set("TC-REGRM", Math.Round(rms, 4), "registration RMS residual [px]");
        header.Set("TC-REGIN", (long)inliers, "matched stars");
        var relative = "outputs/registered/" + Path.GetFileNameWithoutExtension(frame.File) + ".fit";
        if (planes == 3)
        {
            foreach (var key in MosaicCards) header.Remove(key);
            header.Set("TC-CHAN", "R,G,B", "planes of this cube");
            header.Set("TC-DEBAY", debayer!.Value.ToString(), "debayered at full resolution before warping");
        }
        var record = context.WriteArtifact(relative, s => FitsWriter.WriteFloat32(s, pixels, raw.Width, raw.Height, planes, header));
        string? drizzled = null;
        if (drizzle is not null)
        {
            // Defects and holes drop nothing: their repaired values served the interpolation, not as data.
            var dropless = new HashSet<int>(holes);
            dropless.UnionWith(defects);
            var drops = Drizzle.Apply(raw, pattern, transform, drizzle, dropless);
            var n = drops.Width * drops.Height;
            var values = new float[drops.Values.Length * n];
            var coverage = new float[drops.Values.Length * n];
            for (var c = 0; c < drops.Values.Length; c++)
            {
                drops.Values[c].CopyTo(values, c * n);
                drops.Weights[c].CopyTo(coverage, c * n);
            }
            var drizzleHeader = header.Clone();
            foreach (var key in MosaicCards) drizzleHeader.Remove(key);
            drizzleHeader.Set("TC-DRIZ", $"scale {drizzle.Scale}, pixfrac {drizzle.Pixfrac}", "drizzled onto the reference grid");
            drizzleHeader.Set("TC-CHAN", pattern is null ? "L" : "R,G,B", "planes of this cube");
            drizzled = ImageArtifacts.DrizzleFolder + Path.GetFileNameWithoutExtension(frame.File) + ".fit";
            var drizzleRecord = context.WriteArtifact(drizzled, s => FitsWriter.WriteFloat32(s, values, drops.Width, drops.Height, drops.Values.Length, drizzleHeader));
            drizzleHeader.Set("TC-MAP", "coverage", "drop overlap per output pixel (output-pixel areas)");
            var coverageRecord = context.WriteArtifact(StackPlanes.CoveragePath(drizzled),
                s => FitsWriter.WriteFloat32(s, coverage, drops.Width, drops.Height, drops.Values.Length, drizzleHeader));
            artifacts = new[] { record, drizzleRecord, coverageRecord };
        }
        else
        {
            artifacts = new[] { record };
        }
        return new FrameResult("ok", null, transform.ToArray().Select(v => Math.Round(v, 10)).ToArray(), Math.Round(rms, 4), inliers,
            stars.Stars.Count, stars.MedianFwhm, relative, method, imageAligned, Metrics.ImageMetrics.RawNoise(raw, pattern), drizzled,
            ellipticity?.Select(e => Math.Round(e, 4)).ToArray());
    }

    // Whether frames are drizzled as they are registered, and why (null reason: drizzle is off and nobody asked).
    private static (DrizzleOptions? Options, string? Reason) DrizzleChoice(PhaseContext context, int frames, bool cfa)
    {
        var options = new DrizzleOptions(context.Config.Get(DrizzleKeys.Scale), context.Config.Get(DrizzleKeys.Pixfrac));
        var minFrames = context.Config.Get(DrizzleKeys.MinFrames);
        switch (context.Config.Get(DrizzleKeys.Mode))
        {
            case "on":
                return (options, "drizzle.mode is on");
            case "auto" when cfa && frames >= minFrames:
                return (options, $"colour frames, {frames} of them (drizzle.min_frames {minFrames}): Bayer drizzle");
            case "auto" when cfa:
                return (null, $"only {frames} colour frames, fewer than drizzle.min_frames ({minFrames}): full-resolution debayer instead of drizzle");
            default:
                return (null, null);
        }
    }
}
