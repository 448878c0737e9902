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

    /// <summary>
    /// A mosaic as three half-resolution planes, R, G and B one after the other: each cell's red and blue photosite,
    /// and the mean of its two greens (the one that has data where the other has none).
    /// </summary>
    public static float[] SplitPlanes(ImagePlane mosaic, BayerPattern pattern)
    {
        var (width, height) = (mosaic.Width / 2, mosaic.Height / 2);
        var cube = new float[width * height * 3];
        var (rx, ry) = Offset(pattern, CfaColor.Red);
        var (bx, by) = Offset(pattern, CfaColor.Blue);
        var greens = GreenOffsets(pattern);
        Fill(mosaic, cube.AsSpan(0, width * height), width, height, rx, ry);
        Fill(mosaic, cube.AsSpan(2 * width * height, width * height), width, height, bx, by);
        var g = cube.AsSpan(width * height, width * height);
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var a = mosaic[2 * x + greens[0].X, 2 * y + greens[0].Y];
            var b = mosaic[2 * x + greens[1].X, 2 * y + greens[1].Y];
            g[y * width + x] = float.IsFinite(a) && float.IsFinite(b) ? 0.5f * (a + b) : float.IsFinite(a) ? a : b;
        }
        return cube;
    }

    private static void Fill(ImagePlane plane, Span<float> target, int width, int height, int dx, int dy)
    {
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
            target[y * width + x] = plane[2 * x + dx, 2 * y + dy];
    }
}
