using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace TileCompile.Engine.Fits;

/// <summary>
/// Writes single-HDU FITS images: float32 (BITPIX −32) and unsigned 16-bit (BITPIX 16 with
/// BZERO = 32768), 2-D or 3-D (RGB cubes, planes stored one after the other). Files are written
/// to a temporary name, flushed to disk and renamed into place, so readers never see half a file.
/// </summary>
public static class FitsWriter
{
    private static readonly HashSet<string> Structural = new(StringComparer.OrdinalIgnoreCase)
    {
        "SIMPLE", "XTENSION", "BITPIX", "NAXIS", "EXTEND", "PCOUNT", "GCOUNT", "BZERO", "BSCALE", "BLANK", "END",
        "LONGSTRN", "CHECKSUM", "DATASUM",
    };

    /// <summary>Writes a float32 image or cube; <paramref name="data"/> holds width × height × planes values.</summary>
    public static void WriteFloat32(string path, ReadOnlySpan<float> data, int width, int height, int planes = 1, FitsHeader? header = null)
    {
        var (head, bytes) = EncodeFloat32(data, width, height, planes, header);
        WriteAtomically(path, head, bytes);
    }

    /// <summary>Writes a float32 image or cube to <paramref name="stream"/> (padded to whole blocks).</summary>
    public static void WriteFloat32(Stream stream, ReadOnlySpan<float> data, int width, int height, int planes = 1, FitsHeader? header = null)
    {
        var (head, bytes) = EncodeFloat32(data, width, height, planes, header);
        WriteTo(stream, head, bytes);
    }

    /// <summary>Writes an unsigned 16-bit image or cube (stored as BITPIX 16 with BZERO = 32768).</summary>
    public static void WriteUInt16(string path, ReadOnlySpan<ushort> data, int width, int height, int planes = 1, FitsHeader? header = null)
    {
        var (head, bytes) = EncodeUInt16(data, width, height, planes, header);
        WriteAtomically(path, head, bytes);
    }

    /// <summary>Writes an unsigned 16-bit image or cube to <paramref name="stream"/>.</summary>
    public static void WriteUInt16(Stream stream, ReadOnlySpan<ushort> data, int width, int height, int planes = 1, FitsHeader? header = null)
    {
        var (head, bytes) = EncodeUInt16(data, width, height, planes, header);
        WriteTo(stream, head, bytes);
    }

    private static (byte[] Head, byte[] Data) EncodeFloat32(ReadOnlySpan<float> data, int width, int height, int planes, FitsHeader? header)
    {
        CheckShape(data.Length, width, height, planes);
        var head = BuildHeader(-32, width, height, planes, header, unsigned16: false);
        var bytes = new byte[data.Length * 4L];
        var ints = MemoryMarshal.Cast<byte, int>(bytes.AsSpan());
        BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(data), ints);
        return (head, bytes);
    }

    private static (byte[] Head, byte[] Data) EncodeUInt16(ReadOnlySpan<ushort> data, int width, int height, int planes, FitsHeader? header)
    {
        CheckShape(data.Length, width, height, planes);
        var head = BuildHeader(16, width, height, planes, header, unsigned16: true);
        var bytes = new byte[data.Length * 2L];
        var shorts = MemoryMarshal.Cast<byte, ushort>(bytes.AsSpan());
        for (var i = 0; i < data.Length; i++) shorts[i] = (ushort)(data[i] ^ 0x8000);
        BinaryPrimitives.ReverseEndianness(shorts, shorts);
        return (head, bytes);
    }

    private static void WriteTo(Stream stream, byte[] head, byte[] data)
    {
        stream.Write(head);
        stream.Write(data);
        var pad = (int)((2880 - data.Length % 2880) % 2880);
        if (pad > 0) stream.Write(new byte[pad]);
    }

    /// <summary>The header text (whole 2880-byte blocks) that would precede the data.</summary>
    public static byte[] BuildHeader(int bitpix, int width, int height, int planes, FitsHeader? header, bool unsigned16)
    {
        var sb = new StringBuilder();
        var structural = new FitsHeader();
        structural.Set("SIMPLE", true, "conforms to FITS standard");
        structural.Set("BITPIX", bitpix, bitpix == -32 ? "32-bit IEEE float" : "16-bit integer");
        structural.Set("NAXIS", planes > 1 ? 3 : 2, "number of axes");
        structural.Set("NAXIS1", width, "image width");
        structural.Set("NAXIS2", height, "image height");
        if (planes > 1) structural.Set("NAXIS3", planes, "planes (R, G, B)");
        if (unsigned16)
        {
            structural.Set("BZERO", 32768L, "unsigned 16-bit data");
            structural.Set("BSCALE", 1L, "default scaling");
        }
        foreach (var card in structural.Cards) FitsCardFormatter.Append(sb, card);

        if (header is not null)
        {
            var needsLongString = header.Cards.Any(c => c.Value.Kind == FitsValueKind.String && (c.Value.Text?.Replace("'", "''").Length ?? 0) > 68);
            if (needsLongString)
                FitsCardFormatter.Append(sb, new FitsCard("LONGSTRN", FitsValue.FromString("OGIP 1.0"), "CONTINUE long strings are used"));
            foreach (var card in header.Cards)
            {
                if (!card.IsCommentary && (Structural.Contains(card.Keyword) || IsAxisKeyword(card.Keyword))) continue;
                FitsCardFormatter.Append(sb, card);
            }
        }
        sb.Append("END".PadRight(80));
        var padded = (sb.Length + 2879) / 2880 * 2880;
        sb.Append(' ', padded - sb.Length);
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private static bool IsAxisKeyword(string keyword) =>
        keyword.StartsWith("NAXIS", StringComparison.OrdinalIgnoreCase) && keyword.Length > 5 && keyword[5..].All(char.IsDigit);

    private static void CheckShape(int length, int width, int height, int planes)
    {
        if (width < 1 || height < 1 || planes < 1) throw new ArgumentException($"image shape {width} x {height} x {planes} is empty");
        if ((long)width * height * planes != length)
            throw new ArgumentException($"data holds {length} values but {width} x {height} x {planes} = {(long)width * height * planes} are needed");
    }

    private static void WriteAtomically(string path, byte[] head, byte[] data)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                WriteTo(stream, head, data);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }
}
