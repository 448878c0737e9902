using System.Globalization;

namespace TileCompile.Engine.Contracts;

/// <summary>The pipeline phases; numbers and names are part of the public contract.</summary>
public enum PhaseId
{
    /// <summary>0: find frames, read headers, check consistency.</summary>
    ScanInput = 0,
    /// <summary>1: detect stars, match, fit transforms, warp.</summary>
    Registration = 1,
    /// <summary>2: split CFA or RGB data into channels.</summary>
    ChannelSplit = 2,
    /// <summary>3: background normalization per frame and channel.</summary>
    Normalization = 3,
    /// <summary>4: global frame metrics and weights.</summary>
    GlobalMetrics = 4,
    /// <summary>5: seeing-adaptive tile grid.</summary>
    TileGrid = 5,
    /// <summary>6: per-tile, per-frame quality and local weights.</summary>
    LocalMetrics = 6,
    /// <summary>7: seam-free weighted reconstruction.</summary>
    TileReconstruction = 7,
    /// <summary>8: cluster frames by quality state.</summary>
    StateClustering = 8,
    /// <summary>9: one synthetic frame per cluster.</summary>
    SyntheticFrames = 9,
    /// <summary>10: final rejection stack.</summary>
    Stacking = 10,
}

/// <summary>Names and parsing of phases (<c>SCAN_INPUT</c> … <c>STACKING</c>).</summary>
public static class PhaseNames
{
    private static readonly string[] Names =
    {
        "SCAN_INPUT", "REGISTRATION", "CHANNEL_SPLIT", "NORMALIZATION", "GLOBAL_METRICS", "TILE_GRID",
        "LOCAL_METRICS", "TILE_RECONSTRUCTION", "STATE_CLUSTERING", "SYNTHETIC_FRAMES", "STACKING",
    };

    /// <summary>All phases in order.</summary>
    public static IReadOnlyList<PhaseId> All { get; } = Enumerable.Range(0, Names.Length).Select(i => (PhaseId)i).ToArray();

    /// <summary>The contract name, e.g. <c>STACKING</c>.</summary>
    public static string Of(PhaseId phase) => Names[(int)phase];

    /// <summary>Accepted spellings, for error messages.</summary>
    public static string Accepted => "0-10 or " + string.Join(", ", Names);

    /// <summary>Parses a number (0–10) or a name (case-insensitive, '-' or '_' separators).</summary>
    public static bool TryParse(string? text, out PhaseId phase)
    {
        phase = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim();
        if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            if (n is < 0 or > 10) return false;
            phase = (PhaseId)n;
            return true;
        }
        var normalized = t.Replace('-', '_').ToUpperInvariant();
        var index = Array.IndexOf(Names, normalized);
        if (index < 0) return false;
        phase = (PhaseId)index;
        return true;
    }
}
