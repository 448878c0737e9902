using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace TileCompile.Engine.Fits;

/// <summary>
/// An image HDU opened for reading: plain images (primary or IMAGE extension) and tile-compressed
/// images (RICE_1, GZIP_1). Pixels are read on demand into caller-provided spans, plane by plane
/// or a band of rows at a time, so a frame is never held twice in memory.
/// </summary>
public sealed class FitsImage : IDisposable
{
    /// <summary>Largest plane we agree to read (pixels); larger declarations are treated as corrupt.</summary>
    public const long MaxPixelsPerPlane = 1L << 30;

    private const int ChunkBytes = 1 << 20;
    private readonly SafeFileHandle _handle;
    private readonly FitsHdu _hdu;
    private readonly CompressedImageSource? _compressed;
    private readonly FitsScaling _scaling;
    private readonly int _storedBitpix;

    private FitsImage(string path, SafeFileHandle handle, FitsHdu hdu, FitsHeader imageHeader, CompressedImageSource? compressed)
    {
        Path = path;
        _handle = handle;
        _hdu = hdu;
        _compressed = compressed;
        Header = imageHeader;
        var axes = compressed?.Axes ?? hdu.Axes.ToArray();
        if (axes.Length is < 2 or > 3)
            throw new FitsFormatException(path, "NAXIS", hdu.HeaderOffset, $"NAXIS = {axes.Length}: only 2-D images and 3-D cubes (RGB) are supported");
        if (axes.Length == 3 && axes[2] > 4)
            throw new FitsFormatException(path, "NAXIS3", hdu.HeaderOffset, $"NAXIS3 = {axes[2]}: cubes of more than 4 planes are not images we stack");
        if (axes[0] < 1 || axes[1] < 1 || axes[0] * axes[1] > MaxPixelsPerPlane)
            throw new FitsFormatException(path, "NAXIS1", hdu.HeaderOffset,
                $"image size {axes[0]} x {axes[1]} is empty or larger than {MaxPixelsPerPlane} pixels per plane");
        Width = (int)axes[0];
        Height = (int)axes[1];
        Planes = axes.Length == 3 ? (int)axes[2] : 1;
        _storedBitpix = compressed?.ZBitpix ?? hdu.Bitpix;
        _scaling = compressed?.Scaling ?? new FitsScaling(
            Scale(imageHeader, "BZERO", 0, path, hdu.HeaderOffset),
            Scale(imageHeader, "BSCALE", 1, path, hdu.HeaderOffset),
            hdu.Bitpix > 0 ? imageHeader.GetInteger("BLANK") : null);
        Camera = FitsCameraInfo.FromHeader(imageHeader);
    }

    // A scaling card that is present must be a usable number: read as the default it would silently change every pixel.
    private static double Scale(FitsHeader header, string keyword, double absent, string path, long offset)
    {
        var card = header.Find(keyword);
        if (card is null) return absent;
        if (header.GetDouble(keyword) is not { } value || !double.IsFinite(value))
            throw new FitsFormatException(path, keyword, offset,
                $"{keyword} = {(card.Value.Kind == FitsValueKind.String ? $"'{card.Value.Text}'" : card.Value.ToString())} is not a number");
        if (keyword == "BSCALE" && value == 0)
            throw new FitsFormatException(path, keyword, offset, "BSCALE = 0 would make every pixel 0");
        return value;
    }

    /// <summary>
    /// Opens the image in <paramref name="path"/>. Without <paramref name="hduIndex"/> the first HDU
    /// that holds an image is used (the primary HDU, or the first image or compressed-image extension).
    /// </summary>
    public static FitsImage Open(string path, int? hduIndex = null)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            var length = RandomAccess.GetLength(handle);
            var hdu = FindImageHdu(handle, length, path, hduIndex);
            if (hdu.IsCompressedImage)
            {
                var source = new CompressedImageSource(handle, hdu, path);
                return new FitsImage(path, handle, hdu, CompressedHeaders.ToImageHeader(hdu.Header, source), source);
            }
            if (hdu.Kind is not (FitsHduKind.Primary or FitsHduKind.Image))
                throw new FitsFormatException(path, "XTENSION", hdu.HeaderOffset,
                    $"HDU {hdu.Index} is a {hdu.Kind} extension, not an image");
            return new FitsImage(path, handle, hdu, hdu.Header, null);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads only the header of the image HDU (no pixel data), e.g. to scan hundreds of frames quickly.</summary>
    public static FitsHeader ReadHeader(string path, int? hduIndex = null)
    {
        using var image = Open(path, hduIndex);
        return image.Header;
    }

    /// <summary>All HDUs of a file, in order.</summary>
    public static IReadOnlyList<FitsHdu> ReadHdus(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = RandomAccess.GetLength(handle);
        var list = new List<FitsHdu>();
        long offset = 0;
        while (offset < length && list.Count < 1000)
        {
            var hdu = FitsHdu.Read(handle, offset, length, path, list.Count);
            list.Add(hdu);
            offset = hdu.NextOffset;
        }
        return list;
    }

    private static FitsHdu FindImageHdu(SafeFileHandle handle, long length, string path, int? hduIndex)
    {
        if (length < FitsHeaderReader.BlockSize)
            throw new FitsFormatException(path, null, length,
                length == 0 ? "the file is empty: a FITS file starts with a 2880-byte header block"
                            : $"the file has {length} bytes, less than one 2880-byte header block: not a FITS file or truncated");
        long offset = 0;
        for (var index = 0; offset < length && index < 1000; index++)
        {
            var hdu = FitsHdu.Read(handle, offset, length, path, index);
            if (hduIndex == index) return hdu;
            if (hduIndex is null)
            {
                var isImage = hdu.Kind is FitsHduKind.Primary or FitsHduKind.Image && hdu.Axes.Count >= 2;
                if (isImage || hdu.IsCompressedImage) return hdu;
            }
            offset = hdu.NextOffset;
        }
        if (hduIndex is { } wanted)
            throw new FitsFormatException(path, null, offset, $"the file has no HDU number {wanted}");
        throw new FitsFormatException(path, "NAXIS", 0, "the file holds no image (every HDU has NAXIS < 2 or is a table)");
    }

    /// <summary>The file this image was read from.</summary>
    public string Path { get; }
    /// <summary>The image header (for a compressed image, the header of the image it decompresses to).</summary>
    public FitsHeader Header { get; }
    /// <summary>NAXIS1.</summary>
    public int Width { get; }
    /// <summary>NAXIS2.</summary>
    public int Height { get; }
    /// <summary>NAXIS3, or 1 for a 2-D image.</summary>
    public int Planes { get; }
    /// <summary>BITPIX of the stored pixels (for compressed images, ZBITPIX).</summary>
    public int Bitpix => _storedBitpix;
    /// <summary>The compression algorithm (RICE_1 or GZIP_1), or null for a plain image.</summary>
    public string? Compression => _compressed?.Algorithm;
    /// <summary>Index of the HDU that holds the image.</summary>
    public int HduIndex => _hdu.Index;
    /// <summary>Camera conventions that change pixel meaning (Bayer pattern, row order, offsets).</summary>
    public FitsCameraInfo Camera { get; }
    /// <summary>True for floating-point pixel data (BITPIX −32 or −64).</summary>
    public bool IsFloatingPoint => _storedBitpix < 0;

    /// <summary>Reads one plane into a new array.</summary>
    public float[] ReadPlane(int plane = 0)
    {
        var data = new float[(long)Width * Height];
        ReadRows(plane, 0, Height, data.AsSpan());
        return data;
    }

    /// <summary>Reads one plane into <paramref name="destination"/> (Width × Height values, row-major, first row first).</summary>
    public void ReadPlane(int plane, Span<float> destination) => ReadRows(plane, 0, Height, destination);

    /// <summary>Reads one plane in double precision (exact for every BITPIX except 64-bit integers beyond 2^53).</summary>
    public void ReadPlane(int plane, Span<double> destination) => ReadRows(plane, 0, Height, destination);

    /// <summary>Reads <paramref name="rowCount"/> rows starting at <paramref name="firstRow"/> of one plane.</summary>
    public void ReadRows<T>(int plane, int firstRow, int rowCount, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if ((uint)plane >= (uint)Planes) throw new ArgumentOutOfRangeException(nameof(plane), plane, $"the image has {Planes} plane(s)");
        if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > Height)
            throw new ArgumentOutOfRangeException(nameof(firstRow), $"rows {firstRow}..{firstRow + rowCount - 1} are outside 0..{Height - 1}");
        var count = (long)rowCount * Width;
        if (destination.Length < count)
            throw new ArgumentException($"destination holds {destination.Length} values, {count} are needed", nameof(destination));
        destination = destination[..(int)count];

        if (_compressed is not null)
        {
            _compressed.ReadRows(plane, firstRow, rowCount, destination);
            return;
        }

        var bytesPerPixel = Math.Abs(_storedBitpix) / 8;
        var offset = _hdu.DataOffset + ((long)plane * Height * Width + (long)firstRow * Width) * bytesPerPixel;

        if (typeof(T) == typeof(float) && _storedBitpix == -32 && _scaling.IsIdentity)
        {
            // Float frames (our registered frames) go straight from the file into the caller's span.
            var bytes = MemoryMarshal.AsBytes(destination);
            ReadExactly(bytes, offset);
            FitsPixelDecoder.Decode(bytes, -32, destination, _scaling);
            return;
        }

        var chunkPixels = Math.Max(1, ChunkBytes / bytesPerPixel);
        var buffer = ArrayPool<byte>.Shared.Rent(chunkPixels * bytesPerPixel);
        try
        {
            for (var done = 0; done < destination.Length; done += chunkPixels)
            {
                var n = Math.Min(chunkPixels, destination.Length - done);
                var raw = buffer.AsSpan(0, n * bytesPerPixel);
                ReadExactly(raw, offset + (long)done * bytesPerPixel);
                FitsPixelDecoder.Decode(raw, _storedBitpix, destination.Slice(done, n), _scaling);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void ReadExactly(Span<byte> target, long offset)
    {
        var total = 0;
        while (total < target.Length)
        {
            var n = RandomAccess.Read(_handle, target[total..], offset + total);
            if (n == 0)
                throw new FitsFormatException(Path, null, offset + total, "unexpected end of file while reading pixel data");
            total += n;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();
}
