using TileCompile.Engine.Stacking;
using TileCompile.Engine.Contracts;
using Clip = TileCompile.Engine.Config.ConfigKeys.Stacking;

namespace TileCompile.Engine.Pipeline;

/// <summary>
/// The image artifacts phases hand each other, named once (the reports are in <see cref="ArtifactCatalog"/>), and the
/// settings several phases share: no phase reaches into another for them.
/// </summary>
public static class ImageArtifacts
{
    /// <summary>Folder of the drizzled frames (values and coverage), when frames are drizzled (phase 1).</summary>
    public const string DrizzleFolder = "work/drizzle/";
    /// <summary>Folder of the registered frames (phase 1).</summary>
    public const string RegisteredFolder = "outputs/registered/";
    /// <summary>The local weights file (phase 6).</summary>
    public const string LocalWeights = Phases.LocalWeightsFile.Path;

    /// <summary>Phase 7's tile-weighted reconstruction of one channel.</summary>
    public static string Reconstructed(string channel) => $"work/reconstructed_{channel}.fit";
    /// <summary>Phase 7's classic clipped mean of one channel.</summary>
    public static string Classic(string channel) => $"work/classic_{channel}.fit";
    /// <summary>Phase 7's rejection bounds of one channel (low and high planes).</summary>
    public static string ClipBounds(string channel) => $"work/clip_bounds_{channel}.fit";

    /// <summary>
    /// For phases that read the registered frames but not the drizzled ones: whether <paramref name="path"/> of
    /// <paramref name="upstream"/> is one they read (so a resume does not hash gigabytes of drizzle files for them).
    /// </summary>
    public static bool AllButDrizzle(PhaseId upstream, string path) =>
        upstream != PhaseId.Registration || !path.StartsWith(DrizzleFolder, StringComparison.Ordinal);

    /// <summary>
    /// Of registration's artifacts the stacking phases read the drizzled frames and the registered frames (which are
    /// the channel cubes of debayered colour frames); the rest is reports.
    /// </summary>
    public static bool IsStackInput(string path) =>
        path.StartsWith(DrizzleFolder, StringComparison.Ordinal) || path.StartsWith(RegisteredFolder, StringComparison.Ordinal)
        || path.StartsWith("artifacts/", StringComparison.Ordinal);

    /// <summary>Rejection settings from the configuration (null for method 'average'), as phases 7, 9 and 10 use them.</summary>
    public static SigmaClipOptions? ClipOptions(ConfigView config) =>
        config.Get(Clip.Method) == "average" ? null
            : new SigmaClipOptions(config.Get(Clip.SigmaLow), config.Get(Clip.SigmaHigh), config.Get(Clip.MaxIters), config.Get(Clip.MinFraction),
                Winsorized: config.Get(Clip.Method) == "winsorized");
}
