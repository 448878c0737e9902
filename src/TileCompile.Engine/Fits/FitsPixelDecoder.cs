using System.Buffers.Binary;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace TileCompile.Engine.Fits;

/// <summary>How stored integers map to physical values: <c>physical = BZERO + BSCALE · stored</c>, BLANK → NaN.</summary>
internal readonly record struct FitsScaling(double BZero, double BScale, long? Blank)
{
    public bool IsIdentity => BZero == 0 && BScale == 1;
}

/// <summary>Converts big-endian FITS pixel bytes into floating-point pixels, vectorized.</summary>
internal static class FitsPixelDecoder
{
    /// <summary>
    /// Decodes <paramref name="raw"/> (big-endian, swapped in place) into <paramref name="destination"/>.
    /// </summary>
    public static void Decode<T>(Span<byte> raw, int bitpix, Span<T> destination, FitsScaling scaling)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (bitpix)
        {
            case 8:
                TensorPrimitives.ConvertChecked<byte, T>(raw, destination);
                MarkBlanks<byte, T>(raw, destination, scaling.Blank);
                break;
            case 16:
            {
                var s = MemoryMarshal.Cast<byte, short>(raw);
                BinaryPrimitives.ReverseEndianness(s, s);
                TensorPrimitives.ConvertChecked<short, T>(s, destination);
                MarkBlanks<short, T>(s, destination, scaling.Blank);
                break;
            }
            case 32:
            {
                var s = MemoryMarshal.Cast<byte, int>(raw);
                BinaryPrimitives.ReverseEndianness(s, s);
                TensorPrimitives.ConvertChecked<int, T>(s, destination);
                MarkBlanks<int, T>(s, destination, scaling.Blank);
                break;
            }
            case 64:
            {
                var s = MemoryMarshal.Cast<byte, long>(raw);
                BinaryPrimitives.ReverseEndianness(s, s);
                TensorPrimitives.ConvertChecked<long, T>(s, destination);
                MarkBlanks<long, T>(s, destination, scaling.Blank);
                break;
            }
            case -32:
            {
                var s = MemoryMarshal.Cast<byte, int>(raw);
                BinaryPrimitives.ReverseEndianness(s, s);
                TensorPrimitives.ConvertChecked<float, T>(MemoryMarshal.Cast<int, float>(s), destination);
                break;
            }
            case -64:
            {
                var s = MemoryMarshal.Cast<byte, long>(raw);
                BinaryPrimitives.ReverseEndianness(s, s);
                TensorPrimitives.ConvertChecked<double, T>(MemoryMarshal.Cast<long, double>(s), destination);
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(bitpix), bitpix, "unsupported BITPIX");
        }
        ApplyScaling(destination, scaling);
    }

    /// <summary>Applies BZERO/BSCALE in place (NaN blanks stay NaN).</summary>
    public static void ApplyScaling<T>(Span<T> values, FitsScaling scaling) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (scaling.IsIdentity) return;
        if (scaling.BScale == 1)
            TensorPrimitives.Add((ReadOnlySpan<T>)values, T.CreateChecked(scaling.BZero), values);
        else
        {
            TensorPrimitives.Multiply((ReadOnlySpan<T>)values, T.CreateChecked(scaling.BScale), values);
            TensorPrimitives.Add((ReadOnlySpan<T>)values, T.CreateChecked(scaling.BZero), values);
        }
    }

    private static void MarkBlanks<TRaw, T>(ReadOnlySpan<TRaw> raw, Span<T> destination, long? blank)
        where TRaw : unmanaged, IBinaryInteger<TRaw> where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (blank is not { } b) return;
        var target = TRaw.CreateSaturating(b);
        if (long.CreateTruncating(target) != b) return; // BLANK outside the stored type's range matches nothing
        var start = 0;
        while (start < raw.Length)
        {
            var next = raw[start..].IndexOf(target);
            if (next < 0) return;
            destination[start + next] = T.NaN;
            start += next + 1;
        }
    }
}
