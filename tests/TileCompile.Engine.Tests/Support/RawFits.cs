using System.Text;

namespace TileCompile.Engine.Tests.Support;

/// <summary>Builds FITS bytes card by card, to make well-formed and deliberately broken files.</summary>
public static class RawFits
{
    public static string Card(string text) => text.PadRight(80)[..80];

    public static byte[] Header(params string[] cards)
    {
        var sb = new StringBuilder();
        foreach (var c in cards) sb.Append(Card(c));
        var padded = (sb.Length + 2879) / 2880 * 2880;
        sb.Append(' ', padded - sb.Length);
        return Encoding.Latin1.GetBytes(sb.ToString());
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static byte[] Padded(byte[] data)
    {
        var padded = new byte[(data.Length + 2879) / 2880 * 2880];
        data.CopyTo(padded, 0);
        return padded;
    }
}
