namespace TileCompile.PowerShell;

/// <summary>Kind of calibration master.</summary>
public enum TileMasterType
{
    /// <summary>Bias (offset) frames.</summary>
    Bias,
    /// <summary>Darks at the lights' exposure.</summary>
    Dark,
    /// <summary>Flat fields.</summary>
    Flat,
    /// <summary>Darks at the flats' exposure.</summary>
    DarkFlat,
}

/// <summary>How calibration frames are combined into a master.</summary>
public enum TileMasterMethod
{
    /// <summary>Mean after 3σ winsorized clipping.</summary>
    SigmaClip,
    /// <summary>Per-pixel median.</summary>
    Median,
}

/// <summary>A calibration master in the master library (output of New-TileMaster).</summary>
public sealed class TileMaster
{
    /// <summary>The master's FITS file.</summary>
    public string Path { get; init; } = "";
    /// <summary>Its kind.</summary>
    public TileMasterType Type { get; init; }
    /// <summary>Frames it was combined from.</summary>
    public int FrameCount { get; init; }
    /// <summary>Its key in the library: a hash of the frames' contents, the method and the engine version.</summary>
    public string Key { get; init; } = "";
    /// <summary>True when the library held it already, so nothing was combined.</summary>
    public bool Reused { get; init; }
}
