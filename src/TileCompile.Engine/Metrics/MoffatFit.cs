using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Metrics;

/// <summary>An elliptical Moffat profile fitted to a star: <c>B + A·(1 + Q(dx, dy))^−β</c>.</summary>
/// <param name="X">Centre x (px).</param>
/// <param name="Y">Centre y (px).</param>
/// <param name="Amplitude">Peak above the background.</param>
/// <param name="Background">Constant background under the star.</param>
/// <param name="Beta">Moffat β (free in the fit).</param>
/// <param name="FwhmMajor">FWHM along the major axis (px).</param>
/// <param name="FwhmMinor">FWHM along the minor axis (px).</param>
public sealed record MoffatStar(double X, double Y, double Amplitude, double Background, double Beta, double FwhmMajor, double FwhmMinor)
{
    /// <summary>Geometric mean of the two axes' FWHM: the size a round star of the same area would have.</summary>
    public double Fwhm => Math.Sqrt(FwhmMajor * FwhmMinor);
}

/// <summary>
/// Levenberg–Marquardt fit of an elliptical Moffat profile with free β. The ellipse is held as the
/// quadratic form <c>Q = c₁dx² + 2c₂dx·dy + c₃dy²</c>, so rotation needs no angle (no wrap-around in
/// the fit) and the axes' FWHM follow from its eigenvalues.
/// </summary>
public static class MoffatFit
{
    private const int Parameters = 8; // B, A, x0, y0, c1, c2, c3, β

    /// <summary>Fits the star near (<paramref name="x0"/>, <paramref name="y0"/>) in a square window; null when the fit fails or is implausible.</summary>
    public static MoffatStar? Fit(ImagePlane image, double x0, double y0, int radius = 7)
    {
        var ix = (int)Math.Round(x0);
        var iy = (int)Math.Round(y0);
        if (ix < radius || iy < radius || ix >= image.Width - radius || iy >= image.Height - radius) return null;
        if (Window(image, ix, iy, radius) is not { } window) return null;
        var (xs, ys, vs, n, min, max) = window;
        if (max <= min) return null;
        // Start: a round profile of FWHM ≈ 3 px with β = 3.
        var p = new double[] { min, max - min, x0, y0, 0, 0, 0, 3 };
        var c = (Math.Pow(2, 1 / 3.0) - 1) / (1.5 * 1.5);
        p[4] = c;
        p[6] = c;
        var lambda = 1e-3;
        var chi = Chi2(p, xs, ys, vs, n);
        var jt = new double[Parameters];
        var normal = new double[Parameters, Parameters];
        var gradient = new double[Parameters];
        var trial = new double[Parameters];
        var converged = false;
        for (var iteration = 0; iteration < 60 && !converged; iteration++)
        {
            NormalEquations(p, xs, ys, vs, n, jt, normal, gradient);
            var improved = false;
            for (var attempt = 0; attempt < 8 && !improved; attempt++)
            {
                var step = Solve(normal, gradient, lambda);
                if (step is null) { lambda *= 10; continue; }
                for (var a = 0; a < Parameters; a++) trial[a] = p[a] + step[a];
                trial[7] = Math.Clamp(trial[7], 0.8, 20);
                var trialChi = Plausible(trial) ? Chi2(trial, xs, ys, vs, n) : double.PositiveInfinity;
                if (trialChi < chi)
                {
                    var relative = (chi - trialChi) / Math.Max(chi, 1e-30);
                    Array.Copy(trial, p, Parameters);
                    chi = trialChi;
                    lambda = Math.Max(lambda / 10, 1e-9);
                    improved = true;
                    converged = relative < 1e-9;
                }
                else
                {
                    lambda *= 10;
                }
            }
            if (!improved) break;
        }
        if (!Plausible(p) || p[1] <= 0 || Math.Abs(p[2] - x0) > 3 || Math.Abs(p[3] - y0) > 3) return null;
        var (l1, l2) = Eigen(p[4], p[5], p[6]);
        var half = Math.Pow(2, 1 / p[7]) - 1;
        var major = 2 * Math.Sqrt(half / l2);
        var minor = 2 * Math.Sqrt(half / l1);
        if (!double.IsFinite(major) || major > 2 * radius) return null;
        return new MoffatStar(p[2], p[3], p[1], p[0], p[7], major, minor);
    }

    // The window's pixel positions and values (none when a pixel has no data), with their count, minimum and maximum.
    private static (double[] Xs, double[] Ys, double[] Vs, int N, double Min, double Max)? Window(ImagePlane image, int ix, int iy, int radius)
    {
        var side = 2 * radius + 1;
        var xs = new double[side * side];
        var ys = new double[side * side];
        var vs = new double[side * side];
        var n = 0;
        double min = double.MaxValue, max = double.MinValue;
        for (var y = iy - radius; y <= iy + radius; y++)
        {
            for (var x = ix - radius; x <= ix + radius; x++)
            {
                var v = image[x, y];
                if (!float.IsFinite(v)) return null;
                xs[n] = x;
                ys[n] = y;
                vs[n++] = v;
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }
        return (xs, ys, vs, n, min, max);
    }

    // JᵀJ (both triangles) and Jᵀr of the model at p over the window.
    private static void NormalEquations(double[] p, double[] xs, double[] ys, double[] vs, int n, double[] jt, double[,] normal, double[] gradient)
    {
        Array.Clear(normal);
        Array.Clear(gradient);
        for (var k = 0; k < n; k++)
        {
            var r = vs[k] - Model(p, xs[k], ys[k], jt);
            for (var a = 0; a < Parameters; a++)
            {
                gradient[a] += jt[a] * r;
                for (var b = 0; b <= a; b++) normal[a, b] += jt[a] * jt[b];
            }
        }
        for (var a = 0; a < Parameters; a++) for (var b = 0; b < a; b++) normal[b, a] = normal[a, b];
    }

    private static bool Plausible(double[] p) => p[4] > 0 && p[6] > 0 && p[4] * p[6] - p[5] * p[5] > 0 && p[7] > 0;

    // Model value at (x, y); fills the derivatives with respect to the eight parameters.
    private static double Model(double[] p, double x, double y, double[] jt)
    {
        var dx = x - p[2];
        var dy = y - p[3];
        var q = p[4] * dx * dx + 2 * p[5] * dx * dy + p[6] * dy * dy;
        var u = 1 + q;
        var pow = Math.Pow(u, -p[7]);
        var dq = -p[1] * p[7] * pow / u; // ∂model/∂q
        jt[0] = 1;
        jt[1] = pow;
        jt[2] = dq * -(2 * p[4] * dx + 2 * p[5] * dy);
        jt[3] = dq * -(2 * p[5] * dx + 2 * p[6] * dy);
        jt[4] = dq * dx * dx;
        jt[5] = dq * 2 * dx * dy;
        jt[6] = dq * dy * dy;
        jt[7] = -p[1] * pow * Math.Log(u);
        return p[0] + p[1] * pow;
    }

    private static double Chi2(double[] p, double[] xs, double[] ys, double[] vs, int n)
    {
        var scratch = new double[Parameters];
        double s = 0;
        for (var k = 0; k < n; k++)
        {
            var r = vs[k] - Model(p, xs[k], ys[k], scratch);
            s += r * r;
        }
        return s;
    }

    // (JᵀJ + λ·diag(JᵀJ))·δ = Jᵀr by Gaussian elimination with partial pivoting.
    private static double[]? Solve(double[,] normal, double[] gradient, double lambda)
    {
        var m = new double[Parameters, Parameters + 1];
        for (var a = 0; a < Parameters; a++)
        {
            for (var b = 0; b < Parameters; b++) m[a, b] = normal[a, b];
            m[a, a] += lambda * Math.Max(normal[a, a], 1e-12);
            m[a, Parameters] = gradient[a];
        }
        for (var col = 0; col < Parameters; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < Parameters; r++) if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col])) pivot = r;
            if (Math.Abs(m[pivot, col]) < 1e-300) return null;
            if (pivot != col)
                for (var k = 0; k <= Parameters; k++) (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
            for (var r = col + 1; r < Parameters; r++)
            {
                var f = m[r, col] / m[col, col];
                for (var k = col; k <= Parameters; k++) m[r, k] -= f * m[col, k];
            }
        }
        var x = new double[Parameters];
        for (var r = Parameters - 1; r >= 0; r--)
        {
            var s = m[r, Parameters];
            for (var k = r + 1; k < Parameters; k++) s -= m[r, k] * x[k];
            x[r] = s / m[r, r];
            if (!double.IsFinite(x[r])) return null;
        }
        return x;
    }

    private static (double Large, double Small) Eigen(double a, double b, double c)
    {
        var mean = 0.5 * (a + c);
        var d = Math.Sqrt(0.25 * (a - c) * (a - c) + b * b);
        return (mean + d, mean - d);
    }
}
