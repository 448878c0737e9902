namespace TileCompile.PowerShell;

/// <summary>Sensor of generated sample frames.</summary>
public enum TileSampleSensor
{
    /// <summary>Monochrome frames.</summary>
    Mono,
    /// <summary>One-shot-colour frames with an RGGB Bayer matrix.</summary>
    Rggb,
}

/// <summary>A folder of generated sample frames with its ground truth (output of New-TileSampleData).</summary>
public sealed class TileSampleSet
{
    /// <summary>Folder that holds the frames.</summary>
    public string Path { get; init; } = "";
    /// <summary>Number of frames written.</summary>
    public int FrameCount { get; init; }
    /// <summary>Frame width in pixels.</summary>
    public int Width { get; init; }
    /// <summary>Frame height in pixels.</summary>
    public int Height { get; init; }
    /// <summary>Mono or RGGB.</summary>
    public TileSampleSensor Sensor { get; init; }
    /// <summary>Generator seed.</summary>
    public int Seed { get; init; }
    /// <summary>Number of stars in the synthetic sky.</summary>
    public int StarCount { get; init; }
    /// <summary>Path of truth.json (star list, per-frame transforms, seeing, defects).</summary>
    public string TruthPath { get; init; } = "";
    /// <summary>Frame files in time order.</summary>
    public string[] Files { get; init; } = Array.Empty<string>();
}
