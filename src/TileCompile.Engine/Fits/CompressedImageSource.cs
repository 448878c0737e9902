using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using Microsoft.Win32.SafeHandles;

namespace TileCompile.Engine.Fits;

/// <summary>
/// Reads a tile-compressed image (a BINTABLE with ZIMAGE = T, as written by fpack or astropy):
/// RICE_1 and GZIP_1, integer images and quantized (optionally dithered) floating-point images.
/// </summary>
internal sealed class CompressedImageSource
{
    private const int NullValue = -2147483647;
    private const int ZeroValue = -2147483646;
    private const long MaxTilePixels = 1L << 26;

    private readonly SafeFileHandle _handle;
    private readonly string? _file;
    private readonly FitsHdu _hdu;
    private readonly long _rowBytes;
    private readonly long _rows;
    private readonly long _heapStart;
    private readonly long _heapLength;
    private readonly int[] _tile;
    private readonly int[] _tilesPerAxis;
    private readonly string _algorithm;
    private readonly int _blockSize;
    private readonly int _bytePix;
    private readonly string _quantize;
    private readonly int _ditherSeed;
    private readonly Column _compressed;
    private readonly Column? _gzipCompressed;
    private readonly Column? _uncompressed;
    private readonly Column? _zscaleColumn;
    private readonly Column? _zzeroColumn;
    private readonly Column? _zblankColumn;
    private readonly double? _zscale;
    private readonly double? _zzero;
    private readonly long? _zblank;

    public CompressedImageSource(SafeFileHandle handle, FitsHdu hdu, string? file)
    {
        _handle = handle;
        _hdu = hdu;
        _file = file;
        var h = hdu.Header;
        _rowBytes = hdu.Axes.Count > 0 ? hdu.Axes[0] : 0;
        _rows = hdu.Axes.Count > 1 ? hdu.Axes[1] : 0;
        var theap = h.GetInteger("THEAP") ?? _rowBytes * _rows;
        _heapStart = hdu.DataOffset + theap;
        _heapLength = hdu.DataOffset + hdu.DataLength - _heapStart;

        _algorithm = (h.GetString("ZCMPTYPE") ?? "").Trim();
        if (_algorithm == "RICE_ONE") _algorithm = "RICE_1";
        if (_algorithm is not ("RICE_1" or "GZIP_1"))
            throw new FitsFormatException(file, "ZCMPTYPE", hdu.HeaderOffset,
                $"tile compression '{_algorithm}' is not supported (supported: RICE_1, GZIP_1); decompress the file first, e.g. with funpack");

        ZBitpix = (int)Require(h, "ZBITPIX");
        if (ZBitpix is not (8 or 16 or 32 or 64 or -32 or -64))
            throw new FitsFormatException(file, "ZBITPIX", hdu.HeaderOffset, $"ZBITPIX = {ZBitpix} is not a valid BITPIX");
        var znaxis = (int)Require(h, "ZNAXIS");
        if (znaxis is < 1 or > 999) throw new FitsFormatException(file, "ZNAXIS", hdu.HeaderOffset, $"ZNAXIS = {znaxis} is outside 1..999");
        Axes = new long[znaxis];
        _tile = new int[znaxis];
        _tilesPerAxis = new int[znaxis];
        long tiles = 1;
        for (var i = 0; i < znaxis; i++)
        {
            Axes[i] = Require(h, $"ZNAXIS{i + 1}");
            if (Axes[i] is < 0 or > int.MaxValue)
                throw new FitsFormatException(file, $"ZNAXIS{i + 1}", hdu.HeaderOffset, $"ZNAXIS{i + 1} = {Axes[i]} is out of range");
            var t = h.GetInteger($"ZTILE{i + 1}") ?? (i == 0 ? Axes[0] : 1);
            if (t < 1 || t > Math.Max(1, Axes[i]))
                throw new FitsFormatException(file, $"ZTILE{i + 1}", hdu.HeaderOffset, $"ZTILE{i + 1} = {t} must be between 1 and ZNAXIS{i + 1}");
            _tile[i] = (int)t;
            _tilesPerAxis[i] = Axes[i] == 0 ? 0 : (int)((Axes[i] + t - 1) / t);
            tiles *= _tilesPerAxis[i];
        }
        long tilePixels = 1;
        foreach (var t in _tile) tilePixels *= t;
        if (tilePixels > MaxTilePixels)
            throw new FitsFormatException(file, "ZTILE1", hdu.HeaderOffset, $"a tile of {tilePixels} pixels exceeds the supported {MaxTilePixels}");
        if (tiles != _rows)
            throw new FitsFormatException(file, "NAXIS2", hdu.HeaderOffset, $"the table has {_rows} rows but the tiling needs {tiles}");

        _blockSize = (int)(Parameter(h, "BLOCKSIZE") ?? 32);
        _bytePix = (int)(Parameter(h, "BYTEPIX") ?? (ZBitpix > 0 ? ZBitpix / 8 : 4));
        _quantize = (h.GetString("ZQUANTIZ") ?? (ZBitpix < 0 ? "NO_DITHER" : "NONE")).Trim();
        _ditherSeed = (int)(h.GetInteger("ZDITHER0") ?? 1);

        var columns = ReadColumns(h);
        _compressed = columns.TryGetValue("COMPRESSED_DATA", out var c) ? c
            : throw new FitsFormatException(file, "TTYPE1", hdu.HeaderOffset, "the compressed image table has no COMPRESSED_DATA column");
        columns.TryGetValue("GZIP_COMPRESSED_DATA", out _gzipCompressed);
        columns.TryGetValue("UNCOMPRESSED_DATA", out _uncompressed);
        columns.TryGetValue("ZSCALE", out _zscaleColumn);
        columns.TryGetValue("ZZERO", out _zzeroColumn);
        columns.TryGetValue("ZBLANK", out _zblankColumn);
        _zscale = h.GetDouble("ZSCALE");
        _zzero = h.GetDouble("ZZERO");
        _zblank = h.GetInteger("ZBLANK");
        Scaling = new FitsScaling(h.GetDouble("BZERO") ?? 0, h.GetDouble("BSCALE") ?? 1, ZBitpix > 0 ? h.GetInteger("BLANK") : null);
    }

    public int ZBitpix { get; }
    public long[] Axes { get; }
    public FitsScaling Scaling { get; }
    public string Algorithm => _algorithm;

    /// <summary>Reads rows [<paramref name="firstRow"/>, +count) of one plane into <paramref name="destination"/>.</summary>
    public void ReadRows<T>(int plane, int firstRow, int rowCount, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = (int)Axes[0];
        var tileW = _tile[0];
        var tileH = _tile.Length > 1 ? _tile[1] : 1;
        var tileD = _tile.Length > 2 ? _tile[2] : 1;
        var tz = _tile.Length > 2 ? plane / tileD : 0;
        var zInTile = _tile.Length > 2 ? plane % tileD : 0;
        var tilesX = _tilesPerAxis[0];
        var tilesY = _tilesPerAxis.Length > 1 ? _tilesPerAxis[1] : 1;
        var buffer = new T[(long)tileW * tileH * tileD];

        var ty0 = firstRow / tileH;
        var ty1 = (firstRow + rowCount - 1) / tileH;
        for (var ty = ty0; ty <= ty1; ty++)
        {
            for (var tx = 0; tx < tilesX; tx++)
            {
                var tileIndex = ((long)tz * tilesY + ty) * tilesX + tx;
                var w = Math.Min(tileW, width - tx * tileW);
                var hgt = Math.Min(tileH, (int)(Axes.Length > 1 ? Axes[1] : 1) - ty * tileH);
                var d = Math.Min(tileD, (int)(Axes.Length > 2 ? Axes[2] : 1) - tz * tileD);
                var pixels = buffer.AsSpan(0, w * hgt * d);
                DecodeTile(tileIndex, pixels);

                for (var row = 0; row < hgt; row++)
                {
                    var y = ty * tileH + row;
                    if (y < firstRow || y >= firstRow + rowCount) continue;
                    var src = pixels.Slice((zInTile * hgt + row) * w, w);
                    src.CopyTo(destination.Slice((y - firstRow) * width + tx * tileW, w));
                }
            }
        }
    }

    private void DecodeTile<T>(long tileIndex, Span<T> pixels) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rowOffset = _hdu.DataOffset + tileIndex * _rowBytes;
        var row = new byte[_rowBytes];
        RandomAccess.Read(_handle, row, rowOffset);

        var compressed = ReadHeapArray(row, _compressed, rowOffset);
        if (compressed.Length == 0)
        {
            if (_gzipCompressed is { } g && ReadHeapArray(row, g, rowOffset) is { Length: > 0 } gz)
            {
                DecodeRaw(Gunzip(gz, pixels.Length * (Math.Abs(ZBitpix) / 8), rowOffset), ZBitpix, pixels, false);
                return;
            }
            if (_uncompressed is { } u && ReadHeapArray(row, u, rowOffset) is { Length: > 0 } raw)
            {
                DecodeRaw(raw, ZBitpix, pixels, false);
                return;
            }
            throw new FitsFormatException(_file, "COMPRESSED_DATA", rowOffset, $"tile {tileIndex + 1} has no data");
        }

        var floatLossless = ZBitpix < 0 && _quantize == "NONE";
        if (floatLossless)
        {
            if (_algorithm != "GZIP_1")
                throw new FitsFormatException(_file, "ZQUANTIZ", _hdu.HeaderOffset, "unquantized floating-point tiles are only defined for GZIP_1");
            DecodeRaw(Gunzip(compressed, pixels.Length * (Math.Abs(ZBitpix) / 8), rowOffset), ZBitpix, pixels, false);
            return;
        }

        var ints = new int[pixels.Length];
        if (_algorithm == "RICE_1")
        {
            RiceDecoder.Decode(compressed, ints, _blockSize, _bytePix, _file);
        }
        else
        {
            var width = ZBitpix < 0 ? 4 : ZBitpix / 8;
            if (ZBitpix == 64)
            {
                var raw64 = Gunzip(compressed, pixels.Length * 8, rowOffset);
                DecodeRaw(raw64, 64, pixels, true);
                return;
            }
            var bytes = Gunzip(compressed, pixels.Length * width, rowOffset);
            for (var i = 0; i < ints.Length; i++)
            {
                ints[i] = width switch
                {
                    1 => bytes[i],
                    2 => BinaryPrimitives.ReadInt16BigEndian(bytes.AsSpan(i * 2)),
                    _ => BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(i * 4)),
                };
            }
        }

        if (ZBitpix > 0)
        {
            var blank = _zblankColumn is { } zb ? ReadScalarInteger(row, zb) : _zblank ?? Scaling.Blank;
            for (var i = 0; i < ints.Length; i++)
                pixels[i] = blank is { } b && ints[i] == b ? T.NaN : T.CreateChecked(ints[i]);
            FitsPixelDecoder.ApplyScaling(pixels, Scaling with { Blank = null });
            return;
        }

        var scale = _zscaleColumn is { } sc ? ReadScalarReal(row, sc) : _zscale
            ?? throw new FitsFormatException(_file, "ZSCALE", _hdu.HeaderOffset, "quantized floating-point image without ZSCALE");
        var zero = _zzeroColumn is { } zc ? ReadScalarReal(row, zc) : _zzero ?? 0.0;
        var nullValue = _zblankColumn is { } zbc ? ReadScalarInteger(row, zbc) : _zblank;
        Unquantize(ints, pixels, scale, zero, nullValue, tileIndex);
    }

    private void Unquantize<T>(ReadOnlySpan<int> ints, Span<T> pixels, double scale, double zero, long? nullValue, long tileIndex)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var dither = _quantize is "SUBTRACTIVE_DITHER_1" or "SUBTRACTIVE_DITHER_2";
        if (!dither)
        {
            if (_quantize is not ("NO_DITHER" or ""))
                throw new FitsFormatException(_file, "ZQUANTIZ", _hdu.HeaderOffset, $"quantization method '{_quantize}' is not supported");
            for (var i = 0; i < ints.Length; i++)
                pixels[i] = nullValue is { } n && ints[i] == n ? T.NaN : T.CreateChecked(Narrow(ints[i] * scale + zero));
            return;
        }

        var randoms = DitherSequence.Values;
        var seed = (int)((tileIndex + _ditherSeed - 1) % DitherSequence.Length);
        var next = (int)(randoms[seed] * 500);
        var zeroMarker = _quantize == "SUBTRACTIVE_DITHER_2";
        for (var i = 0; i < ints.Length; i++)
        {
            var v = ints[i];
            if (nullValue is { } n && v == n) pixels[i] = T.NaN;
            else if (zeroMarker && v == ZeroValue) pixels[i] = T.Zero;
            else pixels[i] = T.CreateChecked(Narrow((v - (double)randoms[next] + 0.5) * scale + zero));
            next++;
            if (next == DitherSequence.Length)
            {
                seed++;
                if (seed == DitherSequence.Length) seed = 0;
                next = (int)(randoms[seed] * 500);
            }
        }
    }

    // A float32 image is restored to float32 values, exactly as the writer's reader would produce them.
    private double Narrow(double value) => ZBitpix == -32 ? (float)value : value;

    private void DecodeRaw<T>(byte[] raw, int bitpix, Span<T> pixels, bool applyBlank) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var need = pixels.Length * (Math.Abs(bitpix) / 8);
        if (raw.Length < need)
            throw new FitsFormatException(_file, "COMPRESSED_DATA", _hdu.DataOffset, $"a tile decompressed to {raw.Length} bytes, expected {need}");
        var scaling = bitpix > 0 ? (applyBlank ? Scaling : Scaling with { Blank = null }) : new FitsScaling(0, 1, null);
        FitsPixelDecoder.Decode(raw.AsSpan(0, need), bitpix, pixels, scaling);
    }

    private byte[] Gunzip(byte[] compressed, int expected, long offset)
    {
        try
        {
            using var input = new MemoryStream(compressed);
            using var gz = new GZipStream(input, CompressionMode.Decompress);
            var output = new byte[expected];
            var total = 0;
            while (total < expected)
            {
                var n = gz.Read(output, total, expected - total);
                if (n == 0) break;
                total += n;
            }
            if (total < expected)
                throw new FitsFormatException(_file, "COMPRESSED_DATA", offset, $"a GZIP_1 tile holds {total} bytes, expected {expected}");
            return output;
        }
        catch (InvalidDataException e)
        {
            throw new FitsFormatException(_file, "COMPRESSED_DATA", offset, "a GZIP_1 tile is not valid gzip data", e);
        }
    }

    private byte[] ReadHeapArray(byte[] row, Column column, long rowOffset)
    {
        long count, offset;
        if (column.Type == 'Q')
        {
            count = BinaryPrimitives.ReadInt64BigEndian(row.AsSpan(column.Offset));
            offset = BinaryPrimitives.ReadInt64BigEndian(row.AsSpan(column.Offset + 8));
        }
        else
        {
            count = BinaryPrimitives.ReadInt32BigEndian(row.AsSpan(column.Offset));
            offset = BinaryPrimitives.ReadInt32BigEndian(row.AsSpan(column.Offset + 4));
        }
        var bytes = checked(count * column.ElementSize);
        if (count < 0 || offset < 0 || offset + bytes > _heapLength)
            throw new FitsFormatException(_file, column.Name, rowOffset + column.Offset,
                $"array descriptor (count {count}, offset {offset}) points outside the {_heapLength}-byte heap");
        var data = new byte[bytes];
        RandomAccess.Read(_handle, data, _heapStart + offset);
        return data;
    }

    private static double ReadScalarReal(byte[] row, Column c) => c.Type switch
    {
        'D' => BinaryPrimitives.ReadDoubleBigEndian(row.AsSpan(c.Offset)),
        'E' => BinaryPrimitives.ReadSingleBigEndian(row.AsSpan(c.Offset)),
        'J' => BinaryPrimitives.ReadInt32BigEndian(row.AsSpan(c.Offset)),
        'K' => BinaryPrimitives.ReadInt64BigEndian(row.AsSpan(c.Offset)),
        _ => throw new InvalidOperationException($"column {c.Name} has unexpected type {c.Type}"),
    };

    private static long ReadScalarInteger(byte[] row, Column c) => c.Type switch
    {
        'J' => BinaryPrimitives.ReadInt32BigEndian(row.AsSpan(c.Offset)),
        'K' => BinaryPrimitives.ReadInt64BigEndian(row.AsSpan(c.Offset)),
        'I' => BinaryPrimitives.ReadInt16BigEndian(row.AsSpan(c.Offset)),
        _ => (long)ReadScalarReal(row, c),
    };

    private long Require(FitsHeader h, string key) =>
        h.GetInteger(key) ?? throw new FitsFormatException(_file, key, _hdu.HeaderOffset, $"compressed image keyword {key} is missing");

    private static long? Parameter(FitsHeader h, string name)
    {
        for (var i = 1; i < 100; i++)
        {
            var key = h.GetString($"ZNAME{i}");
            if (key is null) return null;
            if (string.Equals(key.Trim(), name, StringComparison.OrdinalIgnoreCase)) return h.GetInteger($"ZVAL{i}");
        }
        return null;
    }

    private sealed record Column(string Name, int Offset, char Type, int ElementSize);

    private Dictionary<string, Column> ReadColumns(FitsHeader h)
    {
        var fields = (int)(h.GetInteger("TFIELDS") ?? 0);
        var result = new Dictionary<string, Column>(StringComparer.OrdinalIgnoreCase);
        var offset = 0;
        for (var i = 1; i <= fields; i++)
        {
            var form = (h.GetString($"TFORM{i}") ?? "").Trim();
            var name = (h.GetString($"TTYPE{i}") ?? $"COL{i}").Trim();
            var (repeat, type, elementType, width) = ParseForm(form, i);
            if (type is 'P' or 'Q')
                result[name] = new Column(name, offset, type, ElementWidth(elementType));
            else if (repeat == 1)
                result[name] = new Column(name, offset, type, width);
            offset += checked(repeat * width);
        }
        if (offset != _rowBytes)
            throw new FitsFormatException(_file, "NAXIS1", _hdu.HeaderOffset, $"the columns add up to {offset} bytes per row but NAXIS1 = {_rowBytes}");
        return result;
    }

    private (int Repeat, char Type, char ElementType, int Width) ParseForm(string form, int index)
    {
        var i = 0;
        while (i < form.Length && char.IsDigit(form[i])) i++;
        var repeat = i == 0 ? 1 : int.Parse(form.AsSpan(0, i), System.Globalization.CultureInfo.InvariantCulture);
        if (i >= form.Length) throw new FitsFormatException(_file, $"TFORM{index}", _hdu.HeaderOffset, $"TFORM{index} = '{form}' has no type letter");
        var type = form[i];
        if (type is 'P' or 'Q')
        {
            var elementType = i + 1 < form.Length ? form[i + 1] : 'B';
            return (repeat, type, elementType, type == 'P' ? 8 : 16);
        }
        return (repeat, type, type, type == 'X' ? 1 : ElementWidth(type));
    }

    private int ElementWidth(char type) => type switch
    {
        'L' or 'B' or 'A' or 'X' => 1,
        'I' => 2,
        'J' or 'E' => 4,
        'K' or 'D' or 'C' => 8,
        'M' => 16,
        _ => throw new FitsFormatException(_file, "TFORM", _hdu.HeaderOffset, $"column type '{type}' is not a FITS binary table type"),
    };
}

/// <summary>
/// The pseudo-random sequence that FITS subtractive dithering uses (a Park–Miller generator,
/// 10,000 values), needed to undo dithered quantization exactly as the writer applied it.
/// </summary>
internal static class DitherSequence
{
    public const int Length = 10000;
    private static readonly Lazy<float[]> Table = new(Build);
    public static float[] Values => Table.Value;

    private static float[] Build()
    {
        const double a = 16807.0;
        const double m = 2147483647.0;
        var seed = 1.0;
        var values = new float[Length];
        for (var i = 0; i < Length; i++)
        {
            var temp = a * seed;
            seed = temp - m * (int)(temp / m);
            values[i] = (float)(seed / m);
        }
        // The standard fixes the 10,000th seed; anything else means the table is wrong.
        if ((long)seed != 1043618065) throw new InvalidOperationException("dither sequence self-check failed");
        return values;
    }
}
