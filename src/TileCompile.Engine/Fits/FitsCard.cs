namespace TileCompile.Engine.Fits;

/// <summary>
/// One header entry: a keyword with a value and optional comment, or a commentary card
/// (COMMENT, HISTORY, blank keyword, or any keyword without a value indicator). A long string
/// continued over CONTINUE cards is one <see cref="FitsCard"/> with the whole string.
/// </summary>
public sealed record FitsCard
{
    /// <summary>Creates a value card.</summary>
    public FitsCard(string keyword, FitsValue value, string? comment = null)
    {
        Keyword = keyword;
        Value = value;
        Comment = comment;
    }

    private FitsCard(string keyword, string text)
    {
        Keyword = keyword;
        IsCommentary = true;
        Value = FitsValue.Undefined;
        Comment = text;
    }

    /// <summary>A commentary card such as HISTORY or COMMENT; <paramref name="text"/> is its free text.</summary>
    public static FitsCard Commentary(string keyword, string text) => new(keyword, text);

    /// <summary>The keyword; for HIERARCH cards the full name after <c>HIERARCH</c>.</summary>
    public string Keyword { get; init; }

    /// <summary>The value (undefined for commentary cards).</summary>
    public FitsValue Value { get; init; }

    /// <summary>The comment after the value, or the free text of a commentary card.</summary>
    public string? Comment { get; init; }

    /// <summary>True for cards without a value indicator.</summary>
    public bool IsCommentary { get; }

    /// <summary>True when the keyword needs the HIERARCH convention (longer than 8 characters or not a standard keyword).</summary>
    public bool IsHierarch => !IsCommentary && !FitsKeyword.IsStandard(Keyword);
}

/// <summary>Rules for FITS keyword names.</summary>
public static class FitsKeyword
{
    /// <summary>True when <paramref name="keyword"/> is a standard 8-character keyword (A–Z, 0–9, '-' and '_').</summary>
    public static bool IsStandard(string keyword)
    {
        if (keyword.Length > 8) return false;
        foreach (var c in keyword)
        {
            if (!(c is >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_')) return false;
        }
        return true;
    }
}
