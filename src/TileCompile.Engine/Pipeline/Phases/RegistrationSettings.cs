using TileCompile.Engine.Imaging;
using TileCompile.Engine.Registration;
using Keys = TileCompile.Engine.Config.ConfigKeys.Registration;
using DrizzleKeys = TileCompile.Engine.Config.ConfigKeys.Drizzle;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>What registration is asked to do, read once from the run's frozen config.</summary>
internal sealed record RegistrationSettings(MatchOptions Match, RegistrationEngine Engine, double DetectionSigma, int MinInliers, double MaxRmsPx,
    Interpolation Interpolation, DemosaicMethod? Debayer, DrizzleOptions? Drizzle, string? DrizzleReason)
{
    /// <summary>The settings for <paramref name="frames"/> frames, colour (<paramref name="cfa"/>) or mono.</summary>
    public static RegistrationSettings Read(PhaseContext context, int frames, bool cfa)
    {
        var match = new MatchOptions
        {
            RefineStars = context.Config.Get(Keys.StarTopK),
            // The tolerance is given in frame pixels; colour frames are matched on half-resolution planes.
            InlierTolerance = context.Config.Get(Keys.StarInlierTolPx) / (cfa ? 2 : 1),
            Affine = context.Config.Get(Keys.Transform) == "affine",
            AllowRotation = context.Config.Get(Keys.AllowRotation),
        };
        var engine = context.Config.Get(Keys.Engine) == "phase_correlation" ? RegistrationEngine.PhaseCorrelation : RegistrationEngine.StarMatching;
        var interpolation = context.Config.Get(Keys.Interpolation) switch { "bilinear" => Interpolation.Bilinear, "cubic" => Interpolation.Cubic, _ => Interpolation.Lanczos3 };
        var debayer = !cfa ? (DemosaicMethod?)null : context.Config.Get(Keys.Debayer) switch
        {
            "gradient_corrected" => DemosaicMethod.GradientCorrected,
            "bilinear" => DemosaicMethod.Bilinear,
            _ => null,
        };
        var (drizzle, reason) = DrizzleChoice(context, frames, cfa);
        return new RegistrationSettings(match, engine, context.Config.Get(Keys.DetectionSigma), context.Config.Get(Keys.StarMinInliers),
            context.Config.Get(Keys.MaxRmsPx), interpolation, debayer, drizzle, reason);
    }

    /// <summary>How colour frames reach the reference grid, in words for the run's facts.</summary>
    public string ColourPath(PhaseContext context) => Debayer is not null
        ? $"debayered at full resolution ({context.Config.Get(Keys.Debayer)}) before warping, so each star keeps every photosite"
        : "half-resolution R, G, B planes warped on their own grids (registration.debayer: half_resolution)";

    /// <summary>Channel planes of debayered frames are frame pixels; half-resolution CFA planes are proxy (superpixel) pixels.</summary>
    public double PlaneScale => Debayer is null ? 1.0 : 2.0;

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
