namespace TileCompile.Engine.Fits;

/// <summary>
/// A FITS file does not follow the standard in a way that stops us reading it. The message names
/// the file, the card (keyword) involved where there is one, and the byte offset of the problem.
/// </summary>
public sealed class FitsFormatException : Exception
{
    /// <summary>Creates the exception; <paramref name="reason"/> says what is wrong and what was expected.</summary>
    public FitsFormatException(string? file, string? card, long byteOffset, string reason, Exception? inner = null)
        : base(Compose(file, card, byteOffset, reason), inner)
    {
        File = file;
        Card = card;
        ByteOffset = byteOffset;
        Reason = reason;
    }

    /// <summary>The file that was being read, when known.</summary>
    public string? File { get; }

    /// <summary>The keyword of the offending card, when the problem is in a card.</summary>
    public string? Card { get; }

    /// <summary>Byte offset in the file where the problem was found.</summary>
    public long ByteOffset { get; }

    /// <summary>What is wrong, without the location prefix.</summary>
    public string Reason { get; }

    private static string Compose(string? file, string? card, long offset, string reason)
    {
        var where = file is null ? "FITS data" : $"FITS file '{file}'";
        var cardPart = string.IsNullOrEmpty(card) ? "" : $", card {card}";
        return $"{where}{cardPart}, byte offset {offset}: {reason}";
    }
}
