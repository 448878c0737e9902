using System.Numerics;

namespace TileCompile.Engine.Fits;

/// <summary>
/// Decoder for the Rice algorithm of FITS tile compression (RICE_1): per block a code-length
/// selector, then zig-zag mapped pixel differences as unary-prefixed codes, with escape codes for
/// all-equal blocks and for uncompressible blocks.
/// </summary>
internal static class RiceDecoder
{
    /// <summary>Decodes <paramref name="output"/>.Length pixels of <paramref name="bytePix"/> bytes each.</summary>
    public static void Decode(ReadOnlySpan<byte> input, Span<int> output, int blockSize, int bytePix, string? file)
    {
        var (fsBits, fsMax, bBits) = bytePix switch
        {
            1 => (3, 6, 8),
            2 => (4, 14, 16),
            4 => (5, 25, 32),
            _ => throw new FitsFormatException(file, "BYTEPIX", 0, $"RICE_1 BYTEPIX = {bytePix} is not 1, 2 or 4"),
        };
        if (blockSize <= 0) throw new FitsFormatException(file, "BLOCKSIZE", 0, $"RICE_1 BLOCKSIZE = {blockSize} must be positive");
        var reader = new BitSource(input, file);

        uint last = 0;
        for (var k = 0; k < bytePix; k++) last = (last << 8) | reader.NextByte();
        var mask = bBits == 32 ? uint.MaxValue : (1u << bBits) - 1;

        var n = output.Length;
        ulong b = reader.NextByte();
        var nbits = 8;
        var i = 0;
        while (i < n)
        {
            nbits -= fsBits;
            while (nbits < 0) { b = (b << 8) | reader.NextByte(); nbits += 8; }
            var fs = (int)(b >> nbits) - 1;
            b &= (1UL << nbits) - 1;
            var end = Math.Min(i + blockSize, n);

            if (fs < 0)
            {
                for (; i < end; i++) output[i] = Store(last, bytePix);
            }
            else if (fs == fsMax)
            {
                for (; i < end; i++)
                {
                    var shift = bBits - nbits;
                    ulong diff = b << shift;
                    for (shift -= 8; shift >= 0; shift -= 8)
                    {
                        b = reader.NextByte();
                        diff |= b << shift;
                    }
                    if (nbits > 0)
                    {
                        b = reader.NextByte();
                        diff |= b >> -shift;
                        b &= (1UL << nbits) - 1;
                    }
                    else
                    {
                        b = 0;
                    }
                    last = (last + Unzigzag((uint)diff)) & mask;
                    output[i] = Store(last, bytePix);
                }
            }
            else
            {
                for (; i < end; i++)
                {
                    while (b == 0) { nbits += 8; b = reader.NextByte(); }
                    var significant = 64 - BitOperations.LeadingZeroCount(b);
                    var zeros = nbits - significant;
                    nbits -= zeros + 1;
                    b ^= 1UL << nbits;
                    nbits -= fs;
                    while (nbits < 0) { b = (b << 8) | reader.NextByte(); nbits += 8; }
                    var diff = ((uint)zeros << fs) | (uint)(b >> nbits);
                    b &= (1UL << nbits) - 1;
                    last = (last + Unzigzag(diff)) & mask;
                    output[i] = Store(last, bytePix);
                }
            }
        }
    }

    private static uint Unzigzag(uint diff) => (diff & 1) == 0 ? diff >> 1 : ~(diff >> 1);

    private static int Store(uint value, int bytePix) => bytePix switch
    {
        1 => (byte)value,
        2 => (short)value,
        _ => (int)value,
    };

    private ref struct BitSource
    {
        private readonly ReadOnlySpan<byte> _input;
        private readonly string? _file;
        private int _position;

        public BitSource(ReadOnlySpan<byte> input, string? file)
        {
            _input = input;
            _file = file;
            _position = 0;
        }

        public byte NextByte()
        {
            // A short tile is corrupt data; reading past it must be an error, not a crash.
            if (_position >= _input.Length)
                throw new FitsFormatException(_file, "COMPRESSED_DATA", _position, "RICE_1 tile data ends before all pixels were decoded");
            return _input[_position++];
        }
    }
}
