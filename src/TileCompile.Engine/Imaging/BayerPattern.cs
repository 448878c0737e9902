namespace TileCompile.Engine.Imaging;

/// <summary>Colour of one photosite in a colour filter array.</summary>
public enum CfaColor
{
    /// <summary>Red.</summary>
    Red = 0,
    /// <summary>Green.</summary>
    Green = 1,
    /// <summary>Blue.</summary>
    Blue = 2,
}

/// <summary>
/// A 2×2 Bayer pattern, named by the colours of pixels (0,0), (1,0), (0,1), (1,1) in stored
/// pixel order (x along a row, y the stored row index), e.g. RGGB.
/// </summary>
public readonly record struct BayerPattern
{
    private readonly CfaColor _c00, _c10, _c01, _c11;

    private BayerPattern(CfaColor c00, CfaColor c10, CfaColor c01, CfaColor c11)
    {
        _c00 = c00; _c10 = c10; _c01 = c01; _c11 = c11;
    }

    /// <summary>RGGB.</summary>
    public static BayerPattern Rggb => new(CfaColor.Red, CfaColor.Green, CfaColor.Green, CfaColor.Blue);
    /// <summary>BGGR.</summary>
    public static BayerPattern Bggr => new(CfaColor.Blue, CfaColor.Green, CfaColor.Green, CfaColor.Red);
    /// <summary>GRBG.</summary>
    public static BayerPattern Grbg => new(CfaColor.Green, CfaColor.Red, CfaColor.Blue, CfaColor.Green);
    /// <summary>GBRG.</summary>
    public static BayerPattern Gbrg => new(CfaColor.Green, CfaColor.Blue, CfaColor.Red, CfaColor.Green);

    /// <summary>The four names we accept.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "RGGB", "BGGR", "GRBG", "GBRG" };

    /// <summary>Parses RGGB, BGGR, GRBG or GBRG (case-insensitive, surrounding blanks ignored).</summary>
    public static bool TryParse(string? text, out BayerPattern pattern)
    {
        pattern = default;
        switch (text?.Trim().ToUpperInvariant())
        {
            case "RGGB": pattern = Rggb; return true;
            case "BGGR": pattern = Bggr; return true;
            case "GRBG": pattern = Grbg; return true;
            case "GBRG": pattern = Gbrg; return true;
            default: return false;
        }
    }

    /// <summary>Parses a pattern name or throws with the accepted names.</summary>
    public static BayerPattern Parse(string text) =>
        TryParse(text, out var p) ? p : throw new FormatException($"'{text}' is not a Bayer pattern; expected one of {string.Join(", ", Names)}");

    /// <summary>Colour of the pixel at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public CfaColor ColorAt(int x, int y) => ((x & 1) | ((y & 1) << 1)) switch
    {
        0 => _c00,
        1 => _c10,
        2 => _c01,
        _ => _c11,
    };

    /// <summary>The pattern seen from an origin moved by (<paramref name="dx"/>, <paramref name="dy"/>) pixels.</summary>
    public BayerPattern Shift(int dx, int dy) => new(ColorAt(dx, dy), ColorAt(dx + 1, dy), ColorAt(dx, dy + 1), ColorAt(dx + 1, dy + 1));

    /// <summary>The pattern with its two rows exchanged (what a vertical flip of an even-height image does).</summary>
    public BayerPattern FlipRows() => Shift(0, 1);

    /// <inheritdoc />
    public override string ToString() => string.Concat(Letter(_c00), Letter(_c10), Letter(_c01), Letter(_c11));

    private static char Letter(CfaColor c) => c switch { CfaColor.Red => 'R', CfaColor.Green => 'G', _ => 'B' };
}
