using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>What registration found for one frame: kept with its transform and files, or excluded with the reason.</summary>
internal sealed record RegistrationFrameResult(string Status, string? Reason, double[]? Matrix, double? RmsPx, int? Inliers, int Stars, double? FwhmPx, string? Output,
    string? Method = null, bool ImageAligned = false, double[]? NoiseAdu = null, string? Drizzled = null, double[]? Ellipticity = null)
{
    /// <summary>The phase's report from every frame's result, in scan order.</summary>
    public static RegistrationReport Report(IReadOnlyList<ScanReport.Frame> frames, IReadOnlyList<RegistrationFrameResult> results, ReferenceStep.ReferenceChoice reference,
        BayerPattern? pattern, RegistrationSettings settings, int width, int height) => new()
    {
        Reference = reference.Frame,
        Cfa = pattern is not null,
        BayerPattern = pattern?.ToString(),
        Debayered = settings.Debayer is not null,
        Drizzle = settings.Drizzle is not { } drizzle ? null : new DrizzleGrid
        {
            Scale = drizzle.Scale, Pixfrac = drizzle.Pixfrac, Width = drizzle.OutputSize(width), Height = drizzle.OutputSize(height), Reason = settings.DrizzleReason,
        },
        SeeingFwhm = settings.PlaneScale * RobustStats.Median(results.Where(r => r.FwhmPx is > 0).Select(r => r.FwhmPx!.Value).ToList()),
        ReferenceStars = settings.Debayer is null
            ? reference.Stars.Select(s => new[] { s[0], s[1], s[2] }).ToList()
            : reference.Stars.Select((s, k) => new[] { reference.FullResolution[k][0], reference.FullResolution[k][1], s[2] }).ToList(),
        Frames = frames.Select((f, i) => new RegisteredFrame
        {
            Frame = f.File,
            Status = results[i].Status,
            Reason = results[i].Reason,
            Matrix = results[i].Matrix,
            RmsPx = results[i].RmsPx,
            Inliers = results[i].Inliers,
            Stars = results[i].Stars,
            FwhmPx = results[i].FwhmPx * settings.PlaneScale,
            Output = results[i].Output,
            Method = results[i].Method,
            ImageAligned = results[i].Status == "ok" ? results[i].ImageAligned : null,
            NoiseAdu = results[i].NoiseAdu,
            Drizzled = results[i].Drizzled,
            Ellipticity = results[i].Ellipticity,
        }).ToList(),
    };
}
