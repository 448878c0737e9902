namespace TileCompile.Engine.Pipeline;

/// <summary>Operating mode decided by the number of usable frames.</summary>
public enum RunMode
{
    /// <summary>All phases.</summary>
    Full,
    /// <summary>Clustering and synthetic frames skipped; the reconstruction is stacked directly.</summary>
    Reduced,
    /// <summary>Fewer frames than the method's minimum: reduced mode with a warning.</summary>
    Emergency,
}

/// <summary>Mode rules of the method.</summary>
public static class RunModes
{
    /// <summary>Mode for <paramref name="usableFrames"/> frames.</summary>
    public static RunMode For(int usableFrames, int framesMin, int reducedThreshold) =>
        usableFrames >= reducedThreshold ? RunMode.Full : usableFrames >= framesMin ? RunMode.Reduced : RunMode.Emergency;

    /// <summary>Fact name under which phase 1 records the usable frame count.</summary>
    public const string UsableFramesFact = "usable_frames";
}
