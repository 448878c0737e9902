namespace TileCompile.Engine.Calibration;

/// <summary>Frame kinds as capture software writes them in IMAGETYP.</summary>
public static class FrameTypes
{
    /// <summary>
    /// The kind of a frame from its IMAGETYP: light, dark, flat, bias or darkflat; null when the card is missing or
    /// says something else (such frames are taken for lights). Case, spaces, '-' and '_' do not matter, and the
    /// common spellings ("Light Frame", "Dark Frame", "Flat Field", "Bias Frame", "Offset", "Dark Flat") are known.
    /// </summary>
    public static string? Classify(string? imageType)
    {
        if (string.IsNullOrWhiteSpace(imageType)) return null;
        var t = new string(imageType.Where(char.IsLetter).ToArray()).ToLowerInvariant();
        if (t.StartsWith("master", StringComparison.Ordinal)) t = t["master".Length..];
        return t switch
        {
            "light" or "lightframe" or "science" or "object" => "light",
            "darkflat" or "flatdark" or "darkflatframe" or "flatdarkframe" => "darkflat",
            "dark" or "darkframe" or "darkcurrent" => "dark",
            "flat" or "flatfield" or "flatframe" or "skyflat" or "domeflat" => "flat",
            "bias" or "biasframe" or "offset" or "offsetframe" or "zero" => "bias",
            _ => null,
        };
    }
}
