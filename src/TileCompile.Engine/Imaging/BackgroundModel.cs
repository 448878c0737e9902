namespace TileCompile.Engine.Imaging;

/// <summary>
/// A smooth background estimate: medians on a coarse grid of cells, interpolated bilinearly, with
/// the robust noise of the background-subtracted image.
/// </summary>
public sealed class BackgroundModel
{
    private readonly float[] _grid;
    private readonly int _cellsX, _cellsY, _cell;

    private BackgroundModel(float[] grid, int cellsX, int cellsY, int cell, double sigma)
    {
        _grid = grid;
        _cellsX = cellsX;
        _cellsY = cellsY;
        _cell = cell;
        Sigma = sigma;
    }

    /// <summary>Robust noise (1.4826·MAD) of the image minus the background.</summary>
    public double Sigma { get; }

    /// <summary>Estimates the background of <paramref name="image"/> with cells of about <paramref name="cellSize"/> pixels.</summary>
    public static BackgroundModel Estimate(ImagePlane image, int cellSize = 64)
    {
        var cell = Math.Max(8, Math.Min(cellSize, Math.Min(image.Width, image.Height) / 2));
        var cx = Math.Max(1, (image.Width + cell - 1) / cell);
        var cy = Math.Max(1, (image.Height + cell - 1) / cell);
        var grid = new float[cx * cy];
        var buffer = new float[cell * cell];
        for (var j = 0; j < cy; j++)
        for (var i = 0; i < cx; i++)
        {
            var n = 0;
            for (var y = j * cell; y < Math.Min(image.Height, (j + 1) * cell); y += 2)
            for (var x = i * cell; x < Math.Min(image.Width, (i + 1) * cell); x += 2)
            {
                var v = image[x, y];
                if (float.IsFinite(v)) buffer[n++] = v;
            }
            // Stars bias a plain median upwards; two rounds of clipping at 3 sigma remove most of them.
            grid[j * cx + i] = n == 0 ? float.NaN : (float)ClippedMedian(buffer.AsSpan(0, n));
        }
        FillGaps(grid);
        var model = new BackgroundModel(grid, cx, cy, cell, 0);
        var residual = new float[(image.Width / 2 + 1) * (image.Height / 2 + 1)];
        var k = 0;
        for (var y = 0; y < image.Height; y += 2)
        for (var x = 0; x < image.Width; x += 2)
            residual[k++] = image[x, y] - model.At(x, y);
        var sigma = RobustStats.SampledSigma(residual.AsSpan(0, k), RobustStats.SampledMedian(residual.AsSpan(0, k)));
        return new BackgroundModel(grid, cx, cy, cell, sigma);
    }

    /// <summary>Background at pixel (x, y).</summary>
    public float At(double x, double y)
    {
        var gx = Math.Clamp((x + 0.5) / _cell - 0.5, 0, _cellsX - 1);
        var gy = Math.Clamp((y + 0.5) / _cell - 0.5, 0, _cellsY - 1);
        var x0 = (int)gx;
        var y0 = (int)gy;
        var x1 = Math.Min(x0 + 1, _cellsX - 1);
        var y1 = Math.Min(y0 + 1, _cellsY - 1);
        var fx = gx - x0;
        var fy = gy - y0;
        var top = _grid[y0 * _cellsX + x0] * (1 - fx) + _grid[y0 * _cellsX + x1] * fx;
        var bottom = _grid[y1 * _cellsX + x0] * (1 - fx) + _grid[y1 * _cellsX + x1] * fx;
        return (float)(top * (1 - fy) + bottom * fy);
    }

    /// <summary>Median level of the grid.</summary>
    public double Level => RobustStats.Median(_grid);

    private static double ClippedMedian(Span<float> values)
    {
        var arr = values.ToArray();
        var median = RobustStats.MedianInPlace((float[])arr.Clone());
        for (var round = 0; round < 2; round++)
        {
            var sigma = RobustStats.SampledSigma(arr, median);
            if (sigma <= 0) break;
            var kept = arr.Where(v => Math.Abs(v - median) < 3 * sigma).ToArray();
            if (kept.Length < 8) break;
            arr = kept;
            median = RobustStats.MedianInPlace((float[])arr.Clone());
        }
        return median;
    }

    private static void FillGaps(float[] grid)
    {
        var finite = grid.Where(float.IsFinite).ToArray();
        var fill = finite.Length == 0 ? 0f : (float)RobustStats.MedianInPlace(finite);
        for (var i = 0; i < grid.Length; i++) if (!float.IsFinite(grid[i])) grid[i] = fill;
    }
}
