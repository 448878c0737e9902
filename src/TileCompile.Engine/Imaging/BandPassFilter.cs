using System.Numerics;

namespace TileCompile.Engine.Imaging;

/// <summary>
/// À trous band-pass with the B3-spline kernel [1, 4, 6, 4, 1]/16, its holes doubling per level: the
/// image smoothed over a few fine levels minus its smoothing over more levels.
/// </summary>
/// <remarks>
/// The fine smoothing takes out pixel noise, the coarse one the sky's slow gradients and light
/// pollution. Beyond the image the data continue as their point reflection through the edge pixel,
/// so a slope running into the border stays a slope and vanishes from the result there too.
/// </remarks>
public static class BandPassFilter
{
    private static readonly float[] Taps = { 1f / 16, 4f / 16, 6f / 16, 4f / 16, 1f / 16 };

    /// <summary>
    /// The image smoothed over <paramref name="fine"/> levels minus its smoothing over
    /// <paramref name="coarse"/> levels: pixel noise and structure wider than about 2^coarse px both
    /// removed. Pixels without data enter at the image's brightest level.
    /// </summary>
    public static ImagePlane Apply(ImagePlane image, int fine, int coarse)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fine);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(coarse, fine);
        var w = image.Width;
        var h = image.Height;
        var smooth = FillGaps(image);
        var scratch = new float[smooth.Length];
        var next = new float[smooth.Length];
        float[]? kept = fine == 0 ? (float[])smooth.Clone() : null;
        for (var level = 0; level < coarse; level++)
        {
            var step = 1 << level;
            SmoothRows(smooth, scratch, w, h, step);
            SmoothColumns(scratch, next, w, h, step);
            (smooth, next) = (next, smooth);
            if (level + 1 == fine) kept = (float[])smooth.Clone();
        }
        for (var i = 0; i < smooth.Length; i++) kept![i] -= smooth[i];
        return new ImagePlane(w, h, kept!);
    }

    // Blank pixels are saturated cores in practice: they enter at the image's brightest finite level.
    private static float[] FillGaps(ImagePlane image)
    {
        var d = (float[])image.Data.Clone();
        var top = float.NaN;
        foreach (var v in d)
            if (float.IsFinite(v) && !(v <= top)) top = v;
        if (float.IsNaN(top)) top = 0;
        for (var i = 0; i < d.Length; i++)
            if (!float.IsFinite(d[i])) d[i] = top;
        return d;
    }

    // Beyond the border the image continues as its point reflection through the edge pixel (2·edge − mirror),
    // so a slope running into the edge stays the same slope and the smoothing reproduces it there too.
    private static float Extended(ReadOnlySpan<float> line, int i, int stride)
    {
        var n = (line.Length - 1) / stride + 1;
        if (i >= 0 && i < n) return line[i * stride];
        if (n == 1) return line[0];
        var edge = i < 0 ? 0 : n - 1;
        var mirror = Math.Clamp(i < 0 ? -i : 2 * (n - 1) - i, 0, n - 1);
        return 2 * line[edge * stride] - line[mirror * stride];
    }

    private static void SmoothRows(float[] src, float[] dst, int w, int h, int step)
    {
        var k = Taps;
        var reach = 2 * step;
        for (var y = 0; y < h; y++)
        {
            var row = src.AsSpan(y * w, w);
            var outRow = dst.AsSpan(y * w, w);
            var interiorEnd = w - reach;
            var x = 0;
            for (; x < Math.Min(reach, w); x++) outRow[x] = Tap(row, x, step, 1);
            if (interiorEnd > reach)
            {
                var width = Vector<float>.Count;
                for (; x + width <= interiorEnd; x += width)
                {
                    var sum = new Vector<float>(row.Slice(x - reach)) * k[0]
                              + new Vector<float>(row.Slice(x - step)) * k[1]
                              + new Vector<float>(row.Slice(x)) * k[2]
                              + new Vector<float>(row.Slice(x + step)) * k[3]
                              + new Vector<float>(row.Slice(x + reach)) * k[4];
                    sum.CopyTo(outRow.Slice(x));
                }
                for (; x < interiorEnd; x++)
                    outRow[x] = k[0] * row[x - reach] + k[1] * row[x - step] + k[2] * row[x] + k[3] * row[x + step] + k[4] * row[x + reach];
            }
            for (; x < w; x++) outRow[x] = Tap(row, x, step, 1);
        }
    }

    private static float Tap(ReadOnlySpan<float> line, int i, int step, int stride)
    {
        var k = Taps;
        return k[0] * Extended(line, i - 2 * step, stride) + k[1] * Extended(line, i - step, stride) + k[2] * line[i * stride]
               + k[3] * Extended(line, i + step, stride) + k[4] * Extended(line, i + 2 * step, stride);
    }

    private static void SmoothColumns(float[] src, float[] dst, int w, int h, int step)
    {
        var k = Taps;
        var width = Vector<float>.Count;
        var reach = 2 * step;
        for (var y = 0; y < h; y++)
        {
            var outRow = dst.AsSpan(y * w, w);
            if (y < reach || y >= h - reach)
            {
                for (var x = 0; x < w; x++) outRow[x] = Tap(src.AsSpan(x), y, step, w);
                continue;
            }
            var r0 = src.AsSpan((y - reach) * w, w);
            var r1 = src.AsSpan((y - step) * w, w);
            var r2 = src.AsSpan(y * w, w);
            var r3 = src.AsSpan((y + step) * w, w);
            var r4 = src.AsSpan((y + reach) * w, w);
            var xi = 0;
            for (; xi + width <= w; xi += width)
            {
                var sum = new Vector<float>(r0.Slice(xi)) * k[0] + new Vector<float>(r1.Slice(xi)) * k[1] + new Vector<float>(r2.Slice(xi)) * k[2]
                          + new Vector<float>(r3.Slice(xi)) * k[3] + new Vector<float>(r4.Slice(xi)) * k[4];
                sum.CopyTo(outRow.Slice(xi));
            }
            for (; xi < w; xi++) outRow[xi] = k[0] * r0[xi] + k[1] * r1[xi] + k[2] * r2[xi] + k[3] * r3[xi] + k[4] * r4[xi];
        }
    }
}
