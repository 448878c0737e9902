namespace TileCompile.Engine.Numerics;

/// <summary>
/// Small dense linear systems (up to about ten unknowns: the normal equations of the registration's fits). A
/// micro-benchmark against MathNet.Numerics' LU solve keeps this one (docs/performance.md).
/// </summary>
public static class LinearSystem
{
    /// <summary>
    /// The solution of <paramref name="m"/>·x = <paramref name="rhs"/> by Gaussian elimination with partial pivoting;
    /// null when a pivot falls below 1e-12 (singular for the fits this serves). Neither input is changed.
    /// </summary>
    public static double[]? Solve(double[,] m, double[] rhs)
    {
        var n = rhs.Length;
        var a = (double[,])m.Clone();
        var b = (double[])rhs.Clone();
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var row = col + 1; row < n; row++)
                if (Math.Abs(a[row, col]) > Math.Abs(a[pivot, col])) pivot = row;
            if (Math.Abs(a[pivot, col]) < 1e-12) return null;
            if (pivot != col)
            {
                for (var k = 0; k < n; k++) (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]);
                (b[col], b[pivot]) = (b[pivot], b[col]);
            }
            for (var row = col + 1; row < n; row++)
            {
                var factor = a[row, col] / a[col, col];
                for (var k = col; k < n; k++) a[row, k] -= factor * a[col, k];
                b[row] -= factor * b[col];
            }
        }
        var x = new double[n];
        for (var row = n - 1; row >= 0; row--)
        {
            var sum = b[row];
            for (var k = row + 1; k < n; k++) sum -= a[row, k] * x[k];
            x[row] = sum / a[row, row];
        }
        return x;
    }

    /// <summary>The inverse of <paramref name="m"/>, column by column through <see cref="Solve"/>; null when singular.</summary>
    public static double[,]? Invert(double[,] m)
    {
        var n = m.GetLength(0);
        var inverse = new double[n, n];
        for (var col = 0; col < n; col++)
        {
            var unit = new double[n];
            unit[col] = 1;
            if (Solve(m, unit) is not { } x) return null;
            for (var row = 0; row < n; row++) inverse[row, col] = x[row];
        }
        return inverse;
    }
}
