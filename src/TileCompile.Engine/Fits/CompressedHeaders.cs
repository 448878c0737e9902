using System.Text.RegularExpressions;

namespace TileCompile.Engine.Fits;

/// <summary>Rebuilds the header of the image that a tile-compressed table decompresses to.</summary>
internal static partial class CompressedHeaders
{
    [GeneratedRegex(@"^(TTYPE|TFORM|TUNIT|TSCAL|TZERO|TNULL|TDISP|TDIM|ZNAXIS|ZTILE|ZNAME|ZVAL)\d+$")]
    private static partial Regex IndexedTableKeyword();

    private static readonly HashSet<string> TableKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "XTENSION", "BITPIX", "NAXIS", "NAXIS1", "NAXIS2", "PCOUNT", "GCOUNT", "TFIELDS", "THEAP",
        "ZIMAGE", "ZCMPTYPE", "ZBITPIX", "ZNAXIS", "ZQUANTIZ", "ZDITHER0", "ZSIMPLE", "ZEXTEND", "ZTENSION",
        "ZPCOUNT", "ZGCOUNT", "ZHECKSUM", "ZDATASUM", "ZBLANK", "ZSCALE", "ZZERO", "CHECKSUM", "DATASUM", "EXTNAME",
    };

    public static FitsHeader ToImageHeader(FitsHeader table, CompressedImageSource source)
    {
        var header = new FitsHeader();
        header.Set("BITPIX", source.ZBitpix);
        header.Set("NAXIS", source.Axes.Length);
        for (var i = 0; i < source.Axes.Length; i++) header.Set($"NAXIS{i + 1}", source.Axes[i]);
        foreach (var card in table.Cards)
        {
            if (!card.IsCommentary && (TableKeywords.Contains(card.Keyword) || IndexedTableKeyword().IsMatch(card.Keyword))) continue;
            header.Add(card);
        }
        return header;
    }
}
