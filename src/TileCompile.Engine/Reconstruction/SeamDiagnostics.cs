using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Reconstruction;

/// <summary>
/// Looks for tile seams in a result: the median absolute step between neighbouring pixels across
/// tile boundaries (where a tile starts or ends) compared with the same statistic everywhere else.
/// A ratio near 1 means the boundaries are invisible.
/// </summary>
public static class SeamDiagnostics
{
    /// <summary>Median |Δ| across boundaries, elsewhere, and their ratio.</summary>
    public static (double Boundary, double Interior, double Ratio) Measure(ImagePlane image, TileGrid grid)
    {
        var boundaryX = new HashSet<int>();
        foreach (var x in grid.Xs)
        {
            if (x > 0) boundaryX.Add(x);
            if (x + grid.TileSize < image.Width) boundaryX.Add(x + grid.TileSize);
        }
        var boundaryY = new HashSet<int>();
        foreach (var y in grid.Ys)
        {
            if (y > 0) boundaryY.Add(y);
            if (y + grid.TileSize < image.Height) boundaryY.Add(y + grid.TileSize);
        }
        var across = new List<double>();
        var inside = new List<double>();
        // Every row and column that holds a boundary, and a regular sample of the rest, keeps this cheap.
        for (var y = 1; y < image.Height; y++)
        {
            var rowHasBoundary = boundaryY.Contains(y);
            for (var x = 1; x < image.Width; x++)
            {
                if (!rowHasBoundary && !boundaryX.Contains(x) && ((x + y) % 3 != 0)) continue;
                var v = image[x, y];
                var dx = Math.Abs(v - image[x - 1, y]);
                var dy = Math.Abs(v - image[x, y - 1]);
                if (double.IsFinite(dx)) (boundaryX.Contains(x) ? across : inside).Add(dx);
                if (double.IsFinite(dy)) (boundaryY.Contains(y) ? across : inside).Add(dy);
            }
        }
        var b = RobustStats.Median(across);
        var i = RobustStats.Median(inside);
        return (b, i, i > 0 ? b / i : double.NaN);
    }
}
