namespace TileCompile.Engine.Imaging;

/// <summary>Where each colour sits in a Bayer pattern's 2×2 cell.</summary>
public static class BayerCells
{
    /// <summary>The (x, y) in the cell of <paramref name="color"/>'s photosite (the first, for green).</summary>
    public static (int X, int Y) Offset(BayerPattern pattern, CfaColor color)
    {
        for (var y = 0; y < 2; y++)
        for (var x = 0; x < 2; x++)
            if (pattern.ColorAt(x, y) == color) return (x, y);
        throw new InvalidOperationException($"pattern {pattern} has no {color}");
    }

    /// <summary>The (x, y) in the cell of both green photosites.</summary>
    public static (int X, int Y)[] GreenOffsets(BayerPattern pattern)
    {
        var list = new List<(int, int)>();
        for (var y = 0; y < 2; y++)
        for (var x = 0; x < 2; x++)
            if (pattern.ColorAt(x, y) == CfaColor.Green) list.Add((x, y));
        return list.ToArray();
    }
}
