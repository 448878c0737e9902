namespace TileCompile.Engine.Pipeline;

/// <summary>Orders file names the way people number frames: light_2 before light_10.</summary>
public sealed class NaturalSort : IComparer<string>
{
    /// <summary>The shared instance.</summary>
    public static NaturalSort Instance { get; } = new();

    /// <inheritdoc />
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsDigit(x[i]) && char.IsDigit(y[j]))
            {
                var si = i; while (si < x.Length && x[si] == '0') si++;
                var sj = j; while (sj < y.Length && y[sj] == '0') sj++;
                var ei = si; while (ei < x.Length && char.IsDigit(x[ei])) ei++;
                var ej = sj; while (ej < y.Length && char.IsDigit(y[ej])) ej++;
                var lengths = (ei - si).CompareTo(ej - sj);
                if (lengths != 0) return lengths;
                var digits = string.CompareOrdinal(x, si, y, sj, ei - si);
                if (digits != 0) return digits;
                i = ei; j = ej;
                continue;
            }
            var c = char.ToUpperInvariant(x[i]).CompareTo(char.ToUpperInvariant(y[j]));
            if (c != 0) return c;
            i++; j++;
        }
        var rest = (x.Length - i).CompareTo(y.Length - j);
        return rest != 0 ? rest : string.CompareOrdinal(x, y);
    }
}
