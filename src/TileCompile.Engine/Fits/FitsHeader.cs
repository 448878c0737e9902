using System.Globalization;

namespace TileCompile.Engine.Fits;

/// <summary>
/// An ordered FITS header. Order and unknown cards are kept so that copying a header to an
/// output preserves everything a camera or another tool wrote.
/// </summary>
public sealed class FitsHeader
{
    private readonly List<FitsCard> _cards = new();

    /// <summary>Creates an empty header.</summary>
    public FitsHeader() { }

    /// <summary>Creates a header holding copies of <paramref name="cards"/> in order.</summary>
    public FitsHeader(IEnumerable<FitsCard> cards) => _cards.AddRange(cards);

    /// <summary>The cards in file order.</summary>
    public IReadOnlyList<FitsCard> Cards => _cards;

    /// <summary>Number of cards.</summary>
    public int Count => _cards.Count;

    /// <summary>A copy of this header.</summary>
    public FitsHeader Clone() => new(_cards);

    /// <summary>The first value card with this keyword, or null.</summary>
    public FitsCard? Find(string keyword)
    {
        foreach (var card in _cards)
        {
            if (!card.IsCommentary && string.Equals(card.Keyword, keyword, StringComparison.OrdinalIgnoreCase)) return card;
        }
        return null;
    }

    /// <summary>True when a value card with this keyword exists.</summary>
    public bool Contains(string keyword) => Find(keyword) is not null;

    /// <summary>The string value of <paramref name="keyword"/>, or null when absent or not a string.</summary>
    public string? GetString(string keyword)
    {
        var card = Find(keyword);
        return card?.Value.Kind == FitsValueKind.String ? card.Value.Text : null;
    }

    /// <summary>
    /// The value of <paramref name="keyword"/> as a double: numbers as they are, and strings that
    /// hold a number (some cameras quote numeric values). Null when absent or not numeric.
    /// </summary>
    public double? GetDouble(string keyword)
    {
        var card = Find(keyword);
        if (card is null) return null;
        if (card.Value.IsNumeric) return card.Value.AsDouble();
        if (card.Value.Kind == FitsValueKind.String &&
            double.TryParse(card.Value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)) return parsed;
        return null;
    }

    /// <summary>The integer value of <paramref name="keyword"/>, or null when absent or not an integer.</summary>
    public long? GetInteger(string keyword)
    {
        var card = Find(keyword);
        if (card is null) return null;
        if (card.Value.Kind == FitsValueKind.Integer) return card.Value.Integer;
        if (card.Value.Kind == FitsValueKind.Real && card.Value.Real == Math.Floor(card.Value.Real) && Math.Abs(card.Value.Real) < 9e15)
            return (long)card.Value.Real;
        return null;
    }

    /// <summary>The logical value of <paramref name="keyword"/>, or null when absent or not logical.</summary>
    public bool? GetLogical(string keyword)
    {
        var card = Find(keyword);
        return card?.Value.Kind == FitsValueKind.Logical ? card.Value.Logical : null;
    }

    /// <summary>Sets a value: replaces the first card with this keyword in place, or appends a new one.</summary>
    public void Set(string keyword, FitsValue value, string? comment = null)
    {
        for (var i = 0; i < _cards.Count; i++)
        {
            if (!_cards[i].IsCommentary && string.Equals(_cards[i].Keyword, keyword, StringComparison.OrdinalIgnoreCase))
            {
                _cards[i] = _cards[i] with { Value = value, Comment = comment ?? _cards[i].Comment };
                return;
            }
        }
        _cards.Add(new FitsCard(keyword, value, comment));
    }

    /// <summary>Sets a string value.</summary>
    public void Set(string keyword, string value, string? comment = null) => Set(keyword, FitsValue.FromString(value), comment);
    /// <summary>Sets an integer value.</summary>
    public void Set(string keyword, long value, string? comment = null) => Set(keyword, FitsValue.FromInteger(value), comment);
    /// <summary>Sets a real value.</summary>
    public void Set(string keyword, double value, string? comment = null) => Set(keyword, FitsValue.FromReal(value), comment);
    /// <summary>Sets a logical value.</summary>
    public void Set(string keyword, bool value, string? comment = null) => Set(keyword, FitsValue.FromLogical(value), comment);

    /// <summary>Appends a card at the end.</summary>
    public void Add(FitsCard card) => _cards.Add(card);

    internal void RemoveAt(int index) => _cards.RemoveAt(index);

    internal void Insert(int index, FitsCard card) => _cards.Insert(index, card);

    /// <summary>Appends a HISTORY card.</summary>
    public void AddHistory(string text) => _cards.Add(FitsCard.Commentary("HISTORY", text));

    /// <summary>Appends a COMMENT card.</summary>
    public void AddComment(string text) => _cards.Add(FitsCard.Commentary("COMMENT", text));

    /// <summary>Removes every value card with this keyword; returns how many were removed.</summary>
    public int Remove(string keyword) =>
        _cards.RemoveAll(c => !c.IsCommentary && string.Equals(c.Keyword, keyword, StringComparison.OrdinalIgnoreCase));

    /// <summary>Removes every card (value or commentary) that <paramref name="predicate"/> selects.</summary>
    public int RemoveAll(Predicate<FitsCard> predicate) => _cards.RemoveAll(predicate);
}
