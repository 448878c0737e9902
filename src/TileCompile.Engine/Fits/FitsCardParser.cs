using System.Globalization;
using System.Text;

namespace TileCompile.Engine.Fits;

/// <summary>Parses 80-character header cards into <see cref="FitsCard"/>s.</summary>
internal static class FitsCardParser
{
    public const int CardLength = 80;

    /// <summary>Result of parsing one card before CONTINUE cards are folded in.</summary>
    public readonly record struct ParsedCard(FitsCard Card, bool IsContinue, bool EndsWithAmpersand);

    /// <summary>Checks that a card is printable ASCII (FITS allows bytes 32–126 only).</summary>
    public static void CheckAscii(ReadOnlySpan<byte> card, string? file, long offset)
    {
        for (var i = 0; i < card.Length; i++)
        {
            var b = card[i];
            if (b < 32 || b > 126)
            {
                var keyword = Encoding.ASCII.GetString(card[..8]).TrimEnd();
                throw new FitsFormatException(file, Printable(keyword), offset + i,
                    $"header byte 0x{b:X2} is not printable ASCII (FITS headers allow only characters 32-126)");
            }
        }
    }

    public static ParsedCard Parse(string text, string? file, long offset)
    {
        var keyword = text[..8].TrimEnd();
        if (keyword == "HIERARCH")
        {
            var eq = text.IndexOf('=', 9);
            if (eq > 0)
            {
                var name = text[9..eq].Trim();
                var (hvalue, hcomment, _) = ParseValue(text, eq + 1, file, offset, name);
                return new ParsedCard(new FitsCard(name, hvalue, hcomment), false, false);
            }
            return new ParsedCard(FitsCard.Commentary(keyword, text[8..].TrimEnd()), false, false);
        }

        if (keyword == "CONTINUE")
        {
            var (cvalue, ccomment, amp) = ParseValue(text, 8, file, offset, keyword);
            return new ParsedCard(new FitsCard(keyword, cvalue, ccomment), true, amp);
        }

        if (text[8] == '=' && text[9] == ' ' && keyword is not ("COMMENT" or "HISTORY" or ""))
        {
            var (value, comment, amp) = ParseValue(text, 10, file, offset, keyword);
            return new ParsedCard(new FitsCard(keyword, value, comment), false, amp);
        }

        return new ParsedCard(FitsCard.Commentary(keyword, text[8..].TrimEnd()), false, false);
    }

    private static (FitsValue Value, string? Comment, bool Ampersand) ParseValue(string text, int start, string? file, long offset, string keyword)
    {
        var i = start;
        while (i < text.Length && text[i] == ' ') i++;
        if (i >= text.Length) return (FitsValue.Undefined, null, false);

        if (text[i] == '\'')
        {
            var sb = new StringBuilder();
            var j = i + 1;
            var closed = false;
            while (j < text.Length)
            {
                if (text[j] == '\'')
                {
                    if (j + 1 < text.Length && text[j + 1] == '\'') { sb.Append('\''); j += 2; continue; }
                    closed = true;
                    j++;
                    break;
                }
                sb.Append(text[j]);
                j++;
            }
            if (!closed)
                throw new FitsFormatException(file, keyword, offset + i, "string value has no closing quote");
            // Trailing blanks in FITS strings are not significant; leading ones are.
            var s = sb.ToString().TrimEnd();
            var amp = s.EndsWith('&');
            return (FitsValue.FromString(s), CommentAfter(text, j), amp);
        }

        var slash = text.IndexOf('/', i);
        var token = (slash < 0 ? text[i..] : text[i..slash]).Trim();
        var comment = slash < 0 ? null : text[(slash + 1)..].Trim();
        if (token.Length == 0) return (FitsValue.Undefined, comment, false);
        return (ParseToken(token, file, offset + i, keyword), comment, false);
    }

    private static string? CommentAfter(string text, int j)
    {
        var slash = text.IndexOf('/', j);
        return slash < 0 ? null : text[(slash + 1)..].Trim();
    }

    private static FitsValue ParseToken(string token, string? file, long offset, string keyword)
    {
        if (token == "T") return FitsValue.FromLogical(true);
        if (token == "F") return FitsValue.FromLogical(false);
        if (token[0] == '(' && token[^1] == ')')
        {
            var parts = token[1..^1].Split(',');
            if (parts.Length == 2 && TryReal(parts[0].Trim(), out var re) && TryReal(parts[1].Trim(), out var im))
                return FitsValue.FromComplex(re, im);
            throw new FitsFormatException(file, keyword, offset, $"complex value '{token}' is not of the form (real, imaginary)");
        }
        if (IsIntegerToken(token) && long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            return FitsValue.FromInteger(integer);
        if (TryReal(token, out var real)) return FitsValue.FromReal(real);
        throw new FitsFormatException(file, keyword, offset, $"value '{token}' is not a string, logical, integer, real or complex number");
    }

    private static bool IsIntegerToken(string token)
    {
        var start = token[0] is '+' or '-' ? 1 : 0;
        if (start == token.Length) return false;
        for (var i = start; i < token.Length; i++) if (token[i] is < '0' or > '9') return false;
        return true;
    }

    private static bool TryReal(string token, out double value)
    {
        // FITS allows Fortran-style 'D' exponents.
        var normalized = token.Replace('D', 'E').Replace('d', 'e');
        return double.TryParse(normalized, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
               && !double.IsNaN(value) && !double.IsInfinity(value);
    }

    public static string Printable(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s) sb.Append(c is >= ' ' and <= '~' ? c : '?');
        return sb.ToString();
    }
}
