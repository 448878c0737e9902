using System.Text;
using Microsoft.Win32.SafeHandles;

namespace TileCompile.Engine.Fits;

/// <summary>Reads one header unit (2880-byte blocks up to the END card).</summary>
internal static class FitsHeaderReader
{
    public const int BlockSize = 2880;

    /// <summary>A header of more than this many blocks is treated as corrupt, so a missing END cannot make us read gigabytes.</summary>
    public const int MaxHeaderBlocks = 2000;

    public static (FitsHeader Header, long DataOffset) Read(SafeFileHandle handle, long offset, long fileLength, string? file)
    {
        var header = new FitsHeader();
        var block = new byte[BlockSize];
        FitsCard? pendingLongString = null;
        var pendingIndex = -1;

        for (var blockIndex = 0; blockIndex < MaxHeaderBlocks; blockIndex++)
        {
            var blockOffset = offset + (long)blockIndex * BlockSize;
            if (blockOffset + BlockSize > fileLength)
            {
                var reason = blockIndex == 0 && blockOffset >= fileLength
                    ? "file ends where a header was expected"
                    : "file is truncated inside the header: the END card was not found before the end of the file";
                throw new FitsFormatException(file, null, Math.Min(blockOffset, fileLength), reason);
            }
            RandomAccess.Read(handle, block, blockOffset);

            for (var c = 0; c < BlockSize / FitsCardParser.CardLength; c++)
            {
                var cardOffset = blockOffset + c * FitsCardParser.CardLength;
                var bytes = block.AsSpan(c * FitsCardParser.CardLength, FitsCardParser.CardLength);
                FitsCardParser.CheckAscii(bytes, file, cardOffset);
                var text = Encoding.ASCII.GetString(bytes);

                if (blockIndex == 0 && c == 0 && offset == 0 && !text.StartsWith("SIMPLE  =", StringComparison.Ordinal))
                    throw new FitsFormatException(file, FitsCardParser.Printable(text[..8].TrimEnd()), cardOffset,
                        "the first card is not SIMPLE = T: this is not a FITS file");

                if (text.StartsWith("END", StringComparison.Ordinal) && text[..8].TrimEnd() == "END")
                {
                    if (text.AsSpan(3).Trim(' ').Length != 0)
                        throw new FitsFormatException(file, "END", cardOffset, "the END card has characters after the keyword; it must be blank-filled");
                    return (header, blockOffset + BlockSize);
                }

                var parsed = FitsCardParser.Parse(text, file, cardOffset);
                if (parsed.IsContinue && pendingLongString is not null)
                {
                    var prefix = pendingLongString.Value.Text!;
                    var joined = prefix[..^1] + (parsed.Card.Value.Text ?? "");
                    pendingLongString = pendingLongString with
                    {
                        Value = FitsValue.FromString(joined),
                        Comment = parsed.Card.Comment ?? pendingLongString.Comment,
                    };
                    header.RemoveAt(pendingIndex);
                    header.Insert(pendingIndex, pendingLongString);
                    if (!parsed.EndsWithAmpersand) pendingLongString = null;
                    continue;
                }

                if (parsed.IsContinue)
                {
                    header.Add(FitsCard.Commentary("CONTINUE", text[8..].TrimEnd()));
                    continue;
                }

                header.Add(parsed.Card);
                if (parsed.EndsWithAmpersand)
                {
                    pendingLongString = parsed.Card;
                    pendingIndex = header.Count - 1;
                }
                else
                {
                    pendingLongString = null;
                }
            }
        }
        throw new FitsFormatException(file, null, offset, $"no END card within {MaxHeaderBlocks} header blocks");
    }
}
