using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace TileCompile.Engine.Imaging;

/// <summary>Writes 8-bit grayscale or RGB PNG files (previews).</summary>
public static class PngWriter
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Writes <paramref name="pixels"/> (row-major; 1 byte per pixel for gray, 3 for RGB).</summary>
    public static void Write(Stream output, int width, int height, bool rgb, ReadOnlySpan<byte> pixels)
    {
        var channels = rgb ? 3 : 1;
        if (pixels.Length != width * height * channels) throw new ArgumentException("pixel buffer does not match the image size");
        output.Write(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = (byte)(rgb ? 2 : 0);
        Chunk(output, "IHDR", ihdr);
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true))
        {
            var stride = width * channels;
            for (var y = 0; y < height; y++)
            {
                z.WriteByte(0);
                z.Write(pixels.Slice(y * stride, stride));
            }
        }
        Chunk(output, "IDAT", raw.ToArray());
        Chunk(output, "IEND", Array.Empty<byte>());
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        output.Write(header);
        output.Write(data);
        var crc = 0xFFFFFFFFu;
        foreach (var b in header.AsSpan(4)) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        foreach (var b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        var tail = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc ^ 0xFFFFFFFFu);
        output.Write(tail);
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}

/// <summary>Display stretch for previews: black point at the background, asinh towards the bright end.</summary>
public static class PreviewStretch
{
    /// <summary>Maps linear values to 8 bits with a shared stretch for all planes (so colours keep their balance).</summary>
    public static byte[] ToBytes(IReadOnlyList<float[]> planes, int width, int height, int maxSize, out int outWidth, out int outHeight)
    {
        var step = Math.Max(1, (int)Math.Ceiling(Math.Max(width, height) / (double)maxSize));
        outWidth = width / step;
        outHeight = height / step;
        var black = planes.Select(p => RobustStats.SampledMedian(p)).ToArray();
        var noise = planes.Select((p, i) => RobustStats.SampledSigma(p, black[i])).ToArray();
        var white = planes.Select((p, i) => Percentile(p, 0.999) - black[i]).Max();
        var scale = Math.Max(white, 1e-9);
        var soft = Math.Max(noise.Max() * 3, scale * 1e-3);
        var norm = Math.Asinh(scale / soft);
        var output = new byte[outWidth * outHeight * planes.Count];
        for (var y = 0; y < outHeight; y++)
        {
            // Previews are top-up, FITS rows are bottom-up: flip so the picture looks like other viewers show it.
            var sy = (outHeight - 1 - y) * step;
            for (var x = 0; x < outWidth; x++)
            {
                for (var c = 0; c < planes.Count; c++)
                {
                    var v = planes[c][sy * width + x * step] - black[c] + noise[c];
                    var s = double.IsFinite(v) ? Math.Asinh(Math.Max(v, 0) / soft) / norm : 0;
                    output[(y * outWidth + x) * planes.Count + c] = (byte)Math.Clamp(Math.Round(s * 255), 0, 255);
                }
            }
        }
        return output;
    }

    private static double Percentile(float[] values, double q)
    {
        var stride = Math.Max(1, values.Length / 200_000);
        var sample = new List<float>();
        for (var i = 0; i < values.Length; i += stride) if (float.IsFinite(values[i])) sample.Add(values[i]);
        if (sample.Count == 0) return 1;
        sample.Sort();
        return sample[Math.Min(sample.Count - 1, (int)(q * sample.Count))];
    }
}
