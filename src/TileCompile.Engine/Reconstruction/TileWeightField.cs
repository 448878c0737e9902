using System.Numerics;

namespace TileCompile.Engine.Reconstruction;

/// <summary>
/// Per-pixel weights that vary smoothly across the image: each tile's weight enters with a
/// separable Hann window over its extent, normalized by the sum of windows,
/// <c>w(p) = Σ_t h_t(p)·W_t / Σ_t h_t(p)</c>. No tile is ever renormalized on its own, so there are
/// no seams. The window is sampled at pixel centres, (i + ½)/T, so it is positive everywhere in the tile.
/// </summary>
public sealed class TileWeightField
{
    private readonly TileGrid _grid;
    private readonly float[] _hann;
    private readonly float[] _windowSumX;
    private readonly float[] _windowSumY;

    /// <summary>Creates the field for a tile grid.</summary>
    public TileWeightField(TileGrid grid)
    {
        _grid = grid;
        var t = grid.TileSize;
        _hann = new float[t];
        for (var i = 0; i < t; i++) _hann[i] = (float)(0.5 * (1 - Math.Cos(2 * Math.PI * (i + 0.5) / t)));
        _windowSumX = WindowSums(grid.Xs, grid.Width);
        _windowSumY = WindowSums(grid.Ys, grid.Height);
    }

    /// <summary>Number of tiles (rows × columns, row-major).</summary>
    public int TileCount => _grid.Xs.Length * _grid.Ys.Length;

    /// <summary>Tile index of grid cell (column, row).</summary>
    public int TileIndex(int column, int row) => row * _grid.Xs.Length + column;

    /// <summary>Fills <paramref name="row"/> with the weights of pixel row <paramref name="y"/> for one frame's tile weights.</summary>
    public void FillRow(int y, ReadOnlySpan<double> tileWeights, Span<float> row, Span<double> columnScratch)
    {
        var cols = _grid.Xs.Length;
        columnScratch = columnScratch[..cols];
        columnScratch.Clear();
        for (var r = 0; r < _grid.Ys.Length; r++)
        {
            var dy = y - _grid.Ys[r];
            if (dy < 0 || dy >= _grid.TileSize) continue;
            var h = _hann[dy];
            for (var c = 0; c < cols; c++) columnScratch[c] += h * tileWeights[TileIndex(c, r)];
        }
        var sy = _windowSumY[y];
        row.Clear();
        for (var c = 0; c < cols; c++)
        {
            var a = columnScratch[c];
            if (a == 0) continue;
            var x0 = _grid.Xs[c];
            var end = Math.Min(x0 + _grid.TileSize, _grid.Width);
            AddScaledWindow(_hann.AsSpan(0, end - x0), a, row[x0..end]);
        }
        Normalize(row, _windowSumX.AsSpan(0, row.Length), sy);
    }

    // row += (float)(hann · a), each product taken in double as the scalar form does, so vectors change no bit.
    private static void AddScaledWindow(ReadOnlySpan<float> hann, double a, Span<float> row)
    {
        var x = 0;
        if (Vector.IsHardwareAccelerated && hann.Length >= Vector<float>.Count)
        {
            var scale = new Vector<double>(a);
            for (; x <= hann.Length - Vector<float>.Count; x += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(hann[x..]), out var low, out var high);
                var added = new Vector<float>(row[x..]) + Vector.Narrow(low * scale, high * scale);
                added.CopyTo(row[x..]);
            }
        }
        for (; x < hann.Length; x++) row[x] += (float)(hann[x] * a);
    }

    // row /= windowSumX · sy, and 0 where no window reaches.
    private static void Normalize(Span<float> row, ReadOnlySpan<float> windowSumX, float sy)
    {
        var x = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scale = new Vector<float>(sy);
            for (; x <= row.Length - Vector<float>.Count; x += Vector<float>.Count)
            {
                var s = new Vector<float>(windowSumX[x..]) * scale;
                var value = new Vector<float>(row[x..]);
                Vector.ConditionalSelect(Vector.GreaterThan(s, Vector<float>.Zero), value / s, Vector<float>.Zero).CopyTo(row[x..]);
            }
        }
        for (; x < row.Length; x++)
        {
            var s = windowSumX[x] * sy;
            row[x] = s > 0 ? row[x] / s : 0;
        }
    }

    private float[] WindowSums(int[] starts, int length)
    {
        var sums = new float[length];
        foreach (var s in starts)
            for (var i = 0; i < _grid.TileSize && s + i < length; i++) sums[s + i] += _hann[i];
        return sums;
    }
}
