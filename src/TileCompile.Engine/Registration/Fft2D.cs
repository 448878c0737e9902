namespace TileCompile.Engine.Registration;

/// <summary>
/// In-place radix-2 complex FFT of a square power-of-two image, stored as separate real and
/// imaginary planes (row-major). Small and allocation-free per call apart from one column buffer.
/// </summary>
public static class Fft2D
{
    /// <summary>Transforms <paramref name="re"/>/<paramref name="im"/> (n×n) forward, or backward (unscaled) when <paramref name="inverse"/>.</summary>
    public static void Transform(double[] re, double[] im, int n, bool inverse)
    {
        if (n < 2 || (n & (n - 1)) != 0) throw new ArgumentException($"FFT size {n} is not a power of two");
        if (re.Length != n * n || im.Length != n * n) throw new ArgumentException("FFT planes must hold n×n values");
        for (var y = 0; y < n; y++) Transform1D(re.AsSpan(y * n, n), im.AsSpan(y * n, n), inverse);
        var cr = new double[n];
        var ci = new double[n];
        for (var x = 0; x < n; x++)
        {
            for (var y = 0; y < n; y++) { cr[y] = re[y * n + x]; ci[y] = im[y * n + x]; }
            Transform1D(cr, ci, inverse);
            for (var y = 0; y < n; y++) { re[y * n + x] = cr[y]; im[y * n + x] = ci[y]; }
        }
    }

    private static void Transform1D(Span<double> re, Span<double> im, bool inverse)
    {
        var n = re.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            var bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) j ^= bit;
            j ^= bit;
            if (i < j)
            {
                (re[i], re[j]) = (re[j], re[i]);
                (im[i], im[j]) = (im[j], im[i]);
            }
        }
        for (var len = 2; len <= n; len <<= 1)
        {
            var angle = (inverse ? 2 : -2) * Math.PI / len;
            var wr = Math.Cos(angle);
            var wi = Math.Sin(angle);
            for (var start = 0; start < n; start += len)
            {
                double cr = 1, ci = 0;
                var half = len >> 1;
                for (var k = 0; k < half; k++)
                {
                    var a = start + k;
                    var b = a + half;
                    var tr = re[b] * cr - im[b] * ci;
                    var ti = re[b] * ci + im[b] * cr;
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                    var next = cr * wr - ci * wi;
                    ci = cr * wi + ci * wr;
                    cr = next;
                }
            }
        }
    }
}
