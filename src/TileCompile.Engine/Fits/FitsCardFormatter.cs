using System.Globalization;
using System.Text;

namespace TileCompile.Engine.Fits;

/// <summary>Formats cards in the FITS fixed format (values right-aligned to column 30, strings from column 11).</summary>
internal static class FitsCardFormatter
{
    private const int Card = 80;

    /// <summary>Appends the 80-character card image(s) of <paramref name="card"/> to <paramref name="output"/>.</summary>
    public static void Append(StringBuilder output, FitsCard card)
    {
        if (card.IsCommentary)
        {
            AppendCommentary(output, card.Keyword, card.Comment ?? "");
            return;
        }
        if (card.IsHierarch)
        {
            AppendHierarch(output, card);
            return;
        }
        if (card.Value.Kind == FitsValueKind.String)
        {
            AppendString(output, card.Keyword, card.Value.Text ?? "", card.Comment);
            return;
        }
        var value = FormatScalar(card.Value, card.Keyword).PadLeft(20);
        AppendPadded(output, WithComment(card.Keyword.PadRight(8) + "= " + value, card.Comment));
    }

    public static string FormatScalar(FitsValue value, string keyword) => value.Kind switch
    {
        FitsValueKind.Logical => value.Logical ? "T" : "F",
        FitsValueKind.Integer => value.Integer.ToString(CultureInfo.InvariantCulture),
        FitsValueKind.Real => FormatReal(value.Real, keyword),
        FitsValueKind.Complex => $"({FormatReal(value.Real, keyword)}, {FormatReal(value.Imaginary, keyword)})",
        FitsValueKind.Undefined => "",
        _ => throw new ArgumentException($"unexpected value kind {value.Kind}"),
    };

    public static string FormatReal(double value, string keyword)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
            throw new ArgumentException($"header keyword {keyword}: {value} cannot be written to a FITS header");
        var text = value.ToString("R", CultureInfo.InvariantCulture).Replace("e", "E");
        // FITS real numbers need a decimal point to be read back as reals, not integers.
        var e = text.IndexOf('E');
        var mantissa = e < 0 ? text : text[..e];
        if (!mantissa.Contains('.')) mantissa += ".0";
        return e < 0 ? mantissa : mantissa + text[e..];
    }

    private static string WithComment(string head, string? comment)
    {
        if (string.IsNullOrEmpty(comment)) return head;
        var room = Card - head.Length - 3;
        if (room <= 0) return head;
        return head + " / " + (comment.Length > room ? comment[..room] : comment);
    }

    private static void AppendString(StringBuilder output, string keyword, string text, string? comment)
    {
        var escaped = text.Replace("'", "''");
        if (escaped.Length <= 68)
        {
            AppendPadded(output, WithComment(keyword.PadRight(8) + "= " + Quote(escaped), comment));
            return;
        }
        // Long strings: pieces of at most 67 characters ending in '&', continued on CONTINUE cards.
        var pieces = SplitForContinue(escaped);
        for (var i = 0; i < pieces.Count; i++)
        {
            var last = i == pieces.Count - 1;
            var piece = last ? pieces[i] : pieces[i] + "&";
            var head = i == 0 ? keyword.PadRight(8) + "= " : "CONTINUE  ";
            AppendPadded(output, last ? WithComment(head + Quote(piece), comment) : head + Quote(piece));
        }
    }

    private static List<string> SplitForContinue(string escaped)
    {
        var pieces = new List<string>();
        var i = 0;
        while (i < escaped.Length)
        {
            var n = Math.Min(67, escaped.Length - i);
            // Never split a doubled quote across two cards.
            var quotes = 0;
            for (var k = i + n - 1; k >= i && escaped[k] == '\''; k--) quotes++;
            if (quotes % 2 == 1 && i + n < escaped.Length) n--;
            pieces.Add(escaped.Substring(i, n));
            i += n;
        }
        return pieces;
    }

    private static string Quote(string escaped) => "'" + escaped.PadRight(8) + "'";

    private static void AppendHierarch(StringBuilder output, FitsCard card)
    {
        var value = card.Value.Kind == FitsValueKind.String
            ? Quote(card.Value.Text!.Replace("'", "''"))
            : FormatScalar(card.Value, card.Keyword);
        var text = WithComment("HIERARCH " + card.Keyword + " = " + value, card.Comment);
        if (text.Length > Card)
            throw new ArgumentException($"HIERARCH card {card.Keyword} does not fit in 80 characters");
        AppendPadded(output, text);
    }

    private static void AppendCommentary(StringBuilder output, string keyword, string text)
    {
        do
        {
            var n = Math.Min(72, text.Length);
            AppendPadded(output, keyword.PadRight(8) + text[..n]);
            text = text[n..];
        } while (text.Length > 0);
    }

    private static void AppendPadded(StringBuilder output, string text)
    {
        foreach (var c in text)
        {
            if (c is < ' ' or > '~')
                throw new ArgumentException($"header text '{FitsCardParser.Printable(text.Trim())}' has a character outside printable ASCII");
        }
        output.Append(text.Length > Card ? text[..Card] : text.PadRight(Card));
    }
}
