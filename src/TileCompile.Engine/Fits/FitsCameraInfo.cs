using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Fits;

/// <summary>Row order of the stored image as the camera software declares it (keyword ROWORDER).</summary>
public enum FitsRowOrder
{
    /// <summary>No ROWORDER keyword: the FITS convention, first stored row at the bottom.</summary>
    Unspecified,
    /// <summary>ROWORDER = 'BOTTOM-UP'.</summary>
    BottomUp,
    /// <summary>ROWORDER = 'TOP-DOWN'.</summary>
    TopDown,
}

/// <summary>
/// Header conventions that change what pixel values mean: the colour filter array, the row order
/// and the Bayer offsets. <see cref="EffectivePattern"/> is the pattern of the stored pixels as we
/// read them (pixel 0,0 = first value in the file).
/// </summary>
public sealed record FitsCameraInfo
{
    /// <summary>BAYERPAT as written, or null for monochrome data.</summary>
    public string? DeclaredPattern { get; init; }
    /// <summary>ROWORDER as written.</summary>
    public FitsRowOrder RowOrder { get; init; }
    /// <summary>XBAYROFF (0 when absent).</summary>
    public int XBayerOffset { get; init; }
    /// <summary>YBAYROFF (0 when absent).</summary>
    public int YBayerOffset { get; init; }
    /// <summary>
    /// The Bayer pattern of the stored pixels: BAYERPAT moved by XBAYROFF/YBAYROFF, with the row
    /// parity flipped for TOP-DOWN data (BAYERPAT is stated for the FITS bottom-up convention).
    /// Null when the frame is monochrome or BAYERPAT is not a pattern we know.
    /// </summary>
    public BayerPattern? EffectivePattern { get; init; }
    /// <summary>Exposure in seconds from EXPTIME or EXPOSURE.</summary>
    public double? ExposureSeconds { get; init; }
    /// <summary>The camera's name from INSTRUME, when present.</summary>
    public string? Instrument { get; init; }
    /// <summary>DATAMAX when present: float frames with DATAMAX ≤ 1 were normalized to 0..1 by other software.</summary>
    public double? DataMax { get; init; }

    /// <summary>Why BAYERPAT (or COLORTYP) cannot be used, when it is written but is not a Bayer pattern.</summary>
    public string? BayerProblem { get; init; }
    /// <summary>Why the exposure cannot be read, when EXPTIME or EXPOSURE is written but unusable.</summary>
    public string? ExposureProblem { get; init; }

    /// <summary>Reads the conventions from a header.</summary>
    public static FitsCameraInfo FromHeader(FitsHeader header)
    {
        var declared = header.GetString("BAYERPAT")?.Trim();
        if (string.IsNullOrEmpty(declared)) declared = header.GetString("COLORTYP")?.Trim();
        if (string.IsNullOrEmpty(declared)) declared = null;
        var rowOrder = header.GetString("ROWORDER")?.Trim().ToUpperInvariant() switch
        {
            "TOP-DOWN" => FitsRowOrder.TopDown,
            "BOTTOM-UP" => FitsRowOrder.BottomUp,
            _ => FitsRowOrder.Unspecified,
        };
        var xoff = (int)((header.GetDouble("XBAYROFF") ?? 0) % 2 + 2) % 2;
        var yoff = (int)((header.GetDouble("YBAYROFF") ?? 0) % 2 + 2) % 2;
        BayerPattern? effective = null;
        if (BayerPattern.TryParse(declared, out var p))
        {
            var shifted = p.Shift(xoff, yoff);
            effective = rowOrder == FitsRowOrder.TopDown ? shifted.FlipRows() : shifted;
        }
        string? bayerProblem = null;
        if (declared is not null && effective is null && !IsMonochromeName(declared))
            bayerProblem = $"BAYERPAT = '{declared}' is not a Bayer pattern; expected RGGB, BGGR, GRBG or GBRG (or set data.bayer_pattern)";
        return new FitsCameraInfo
        {
            BayerProblem = bayerProblem,
            ExposureProblem = ExposureProblemOf(header, "EXPTIME") ?? ExposureProblemOf(header, "EXPOSURE"),
            DeclaredPattern = declared,
            RowOrder = rowOrder,
            XBayerOffset = xoff,
            YBayerOffset = yoff,
            EffectivePattern = effective,
            ExposureSeconds = header.GetDouble("EXPTIME") ?? header.GetDouble("EXPOSURE"),
            DataMax = header.GetDouble("DATAMAX"),
            Instrument = header.GetString("INSTRUME")?.Trim() is { Length: > 0 } instrument ? instrument : null,
        };
    }

    // Some writers put a colour type such as MONO or GRAY where a pattern would go.
    private static bool IsMonochromeName(string value) =>
        value.Equals("MONO", StringComparison.OrdinalIgnoreCase) || value.Equals("GRAY", StringComparison.OrdinalIgnoreCase) ||
        value.Equals("GREY", StringComparison.OrdinalIgnoreCase) || value.Equals("NONE", StringComparison.OrdinalIgnoreCase);

    private static string Show(FitsValue value) => value.Kind == FitsValueKind.String ? $"'{value.Text}'" : value.ToString();

    private static string? ExposureProblemOf(FitsHeader header, string keyword)
    {
        var cards = header.Cards.Where(c => !c.IsCommentary && string.Equals(c.Keyword, keyword, StringComparison.OrdinalIgnoreCase)).ToList();
        if (cards.Count == 0) return null;
        if (header.GetDouble(keyword) is not { } seconds || !double.IsFinite(seconds))
            return $"{keyword} = {Show(cards[0].Value)} is not a number of seconds";
        if (seconds < 0) return $"{keyword} = {Show(cards[0].Value)} is negative";
        var values = cards.Select(c => Show(c.Value)).Distinct(StringComparer.Ordinal).ToList();
        if (values.Count > 1) return $"{keyword} appears {cards.Count} times with different values ({string.Join(", ", values)})";
        return null;
    }
}
