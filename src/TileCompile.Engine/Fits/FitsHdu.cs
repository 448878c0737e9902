using Microsoft.Win32.SafeHandles;

namespace TileCompile.Engine.Fits;

/// <summary>What a header-data unit holds.</summary>
public enum FitsHduKind
{
    /// <summary>The primary HDU.</summary>
    Primary,
    /// <summary>An IMAGE extension.</summary>
    Image,
    /// <summary>A BINTABLE extension (tile-compressed images are stored as one).</summary>
    BinaryTable,
    /// <summary>Any other extension (ASCII tables, foreign extensions).</summary>
    Other,
}

/// <summary>One header-data unit: its header and where its data lie in the file.</summary>
public sealed class FitsHdu
{
    internal FitsHdu(int index, FitsHduKind kind, FitsHeader header, long headerOffset, long dataOffset, long dataLength,
        int bitpix, long[] axes)
    {
        Index = index;
        Kind = kind;
        Header = header;
        HeaderOffset = headerOffset;
        DataOffset = dataOffset;
        DataLength = dataLength;
        Bitpix = bitpix;
        Axes = axes;
    }

    /// <summary>0 for the primary HDU, 1 for the first extension, and so on.</summary>
    public int Index { get; }
    /// <summary>What the HDU holds.</summary>
    public FitsHduKind Kind { get; }
    /// <summary>The HDU's header as stored.</summary>
    public FitsHeader Header { get; }
    /// <summary>Byte offset of the header's first card.</summary>
    public long HeaderOffset { get; }
    /// <summary>Byte offset of the data.</summary>
    public long DataOffset { get; }
    /// <summary>Length of the data in bytes, without padding.</summary>
    public long DataLength { get; }
    /// <summary>BITPIX as stored.</summary>
    public int Bitpix { get; }
    /// <summary>NAXIS1..NAXISn.</summary>
    public IReadOnlyList<long> Axes { get; }
    /// <summary>True when this is a tile-compressed image (a BINTABLE with ZIMAGE = T).</summary>
    public bool IsCompressedImage => Kind == FitsHduKind.BinaryTable && Header.GetLogical("ZIMAGE") == true;

    /// <summary>Offset of the next HDU (data padded to whole 2880-byte blocks).</summary>
    internal long NextOffset => DataOffset + (DataLength + FitsHeaderReader.BlockSize - 1) / FitsHeaderReader.BlockSize * FitsHeaderReader.BlockSize;

    internal static FitsHdu Read(SafeFileHandle handle, long offset, long fileLength, string? file, int index)
    {
        var (header, dataOffset) = FitsHeaderReader.Read(handle, offset, fileLength, file);
        FitsHduKind kind;
        if (index == 0)
        {
            if (header.GetLogical("SIMPLE") != true)
                throw new FitsFormatException(file, "SIMPLE", offset, "SIMPLE must be T for a standard FITS file");
            kind = FitsHduKind.Primary;
        }
        else
        {
            var xtension = header.Cards.Count > 0 && header.Cards[0].Keyword == "XTENSION" ? header.Cards[0].Value.Text : null;
            if (xtension is null)
                throw new FitsFormatException(file, header.Cards.Count > 0 ? header.Cards[0].Keyword : null, offset,
                    "an extension header must start with XTENSION");
            kind = xtension.Trim() switch
            {
                "IMAGE" => FitsHduKind.Image,
                "BINTABLE" => FitsHduKind.BinaryTable,
                _ => FitsHduKind.Other,
            };
        }

        RequireSingle(header, file, offset);
        var bitpix = RequireInteger(header, "BITPIX", file, offset);
        if (bitpix is not (8 or 16 or 32 or 64 or -32 or -64))
            throw new FitsFormatException(file, "BITPIX", offset, $"BITPIX = {bitpix} is not one of 8, 16, 32, 64, -32, -64");
        var naxis = RequireInteger(header, "NAXIS", file, offset);
        if (naxis is < 0 or > 999)
            throw new FitsFormatException(file, "NAXIS", offset, $"NAXIS = {naxis} is outside 0..999");

        var axes = new long[naxis];
        long elements = naxis == 0 ? 0 : 1;
        for (var i = 0; i < naxis; i++)
        {
            var key = $"NAXIS{i + 1}";
            var n = RequireInteger(header, key, file, offset);
            if (n < 0) throw new FitsFormatException(file, key, offset, $"{key} = {n} is negative");
            axes[i] = n;
            elements = MultiplyOrFail(elements, n, file, key, offset);
        }

        var pcount = header.GetInteger("PCOUNT") ?? 0;
        var gcount = header.GetInteger("GCOUNT") ?? 1;
        if (pcount < 0) throw new FitsFormatException(file, "PCOUNT", offset, $"PCOUNT = {pcount} is negative");
        if (gcount < 0) throw new FitsFormatException(file, "GCOUNT", offset, $"GCOUNT = {gcount} is negative");
        var bytes = MultiplyOrFail(Math.Abs(bitpix) / 8, MultiplyOrFail(gcount, checked(pcount + elements), file, "GCOUNT", offset), file, "NAXIS", offset);

        if (dataOffset + bytes > fileLength)
        {
            var dims = string.Join(" x ", axes);
            throw new FitsFormatException(file, naxis > 0 ? $"NAXIS{naxis}" : "NAXIS", dataOffset,
                $"the header declares {bytes} bytes of data (NAXISn = {dims}, BITPIX = {bitpix}, PCOUNT = {pcount}) " +
                $"but only {Math.Max(0, fileLength - dataOffset)} bytes follow the header: the file is truncated or NAXISn is wrong");
        }
        return new FitsHdu(index, kind, header, offset, dataOffset, bytes, (int)bitpix, axes);
    }

    // Which of two copies a reader takes differs between programs, so a structural card written twice is an error.
    private static void RequireSingle(FitsHeader header, string? file, long offset)
    {
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var card in header.Cards)
        {
            if (card.IsCommentary || !IsStructural(card.Keyword)) continue;
            seen[card.Keyword] = seen.GetValueOrDefault(card.Keyword) + 1;
            if (seen[card.Keyword] == 2)
                throw new FitsFormatException(file, card.Keyword.ToUpperInvariant(), offset,
                    $"{card.Keyword.ToUpperInvariant()} appears more than once in the header; a structural card must appear exactly once");
        }
    }

    private static bool IsStructural(string keyword) =>
        keyword.ToUpperInvariant() is "SIMPLE" or "XTENSION" or "BITPIX" or "NAXIS" or "PCOUNT" or "GCOUNT" or "BZERO" or "BSCALE" or "BLANK"
            or "ZBITPIX" or "ZNAXIS" or "ZCMPTYPE"
        || (keyword.Length > 5 && (keyword.StartsWith("NAXIS", StringComparison.OrdinalIgnoreCase) || keyword.StartsWith("ZNAXIS", StringComparison.OrdinalIgnoreCase))
            && keyword.AsSpan(keyword.StartsWith("Z", StringComparison.OrdinalIgnoreCase) ? 6 : 5).IndexOfAnyExceptInRange('0', '9') < 0);

    private static long RequireInteger(FitsHeader header, string key, string? file, long offset)
    {
        var card = header.Find(key);
        if (card is null) throw new FitsFormatException(file, key, offset, $"required keyword {key} is missing");
        if (card.Value.Kind != FitsValueKind.Integer)
            throw new FitsFormatException(file, key, offset, $"{key} must be an integer, found '{card.Value}'");
        return card.Value.Integer;
    }

    private static long MultiplyOrFail(long a, long b, string? file, string key, long offset)
    {
        try { return checked(a * b); }
        catch (OverflowException)
        {
            throw new FitsFormatException(file, key, offset, "the declared data size overflows 64 bits: the axis lengths are absurd");
        }
    }
}
