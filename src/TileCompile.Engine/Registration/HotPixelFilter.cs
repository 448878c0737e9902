using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Registration;

/// <summary>
/// Replaces isolated hot pixels and cosmic-ray hits (a pixel far above all eight neighbours) by the
/// median of its neighbours. Real stars spread over several pixels, so their peaks are kept.
/// </summary>
public static class HotPixelFilter
{
    /// <summary>
    /// Cleans <paramref name="image"/> in place; returns how many pixels were replaced. For a colour
    /// mosaic (<paramref name="mosaic"/>) a pixel must also stand far above the eight nearest pixels of
    /// its own colour, and is replaced by their median: a red photosite in red nebulosity stands above
    /// its green and blue neighbours without being a defect.
    /// </summary>
    public static int Clean(ImagePlane image, bool mosaic = false, double sigmaThreshold = 6, double concentration = 3.5)
    {
        var level = RobustStats.SampledMedian(image.Data);
        var sigma = Math.Max(PixelNoise(image), 1e-6);
        var w = image.Width;
        var h = image.Height;
        var d = image.Data;
        var fixes = new List<(int Index, float Value)>();
        Span<float> n = stackalloc float[8];
        Span<float> same = stackalloc float[8];
        var edge = mosaic ? 2 : 1;
        for (var y = edge; y < h - edge; y++)
        {
            for (var x = edge; x < w - edge; x++)
            {
                var i = y * w + x;
                var v = d[i];
                if (v - level < sigmaThreshold * sigma) continue;
                var max = Ring(d, i, w, 1, n);
                if (v - max < sigmaThreshold * sigma) continue;
                if (v - level < concentration * Math.Max(max - level, sigma)) continue;
                if (mosaic)
                {
                    if (v - Ring(d, i, w, 2, same) < sigmaThreshold * sigma) continue;
                    same.Sort();
                    fixes.Add((i, 0.5f * (same[3] + same[4])));
                    continue;
                }
                n.Sort();
                fixes.Add((i, 0.5f * (n[3] + n[4])));
            }
        }
        foreach (var (index, value) in fixes) d[index] = value;
        return fixes.Count;
    }

    // The eight pixels `step` away from pixel i (step 2: the nearest of the same Bayer colour); returns their maximum.
    private static float Ring(float[] d, int i, int w, int step, Span<float> ring)
    {
        var row = step * w;
        ring[0] = d[i - row - step]; ring[1] = d[i - row]; ring[2] = d[i - row + step];
        ring[3] = d[i - step]; ring[4] = d[i + step];
        ring[5] = d[i + row - step]; ring[6] = d[i + row]; ring[7] = d[i + row + step];
        var max = float.MinValue;
        foreach (var t in ring) if (t > max) max = t;
        return max;
    }

    /// <summary>
    /// Pixel-to-pixel noise: the spread of each pixel's difference from the mean of the pixels two to
    /// its left and right (same Bayer colour). Gradients cancel and nebulosity barely enters, unlike
    /// in the spread of the values themselves.
    /// </summary>
    internal static double PixelNoise(ImagePlane image)
    {
        var w = image.Width;
        var h = image.Height;
        if (w < 5) return RobustStats.SampledSigma(image.Data, RobustStats.SampledMedian(image.Data));
        var step = Math.Max(1, (int)Math.Sqrt((double)w * h / 100_000));
        var differences = new List<float>();
        for (var y = 0; y < h; y += step)
        {
            var row = image.Row(y);
            for (var x = 0; x + 4 < w; x += step)
            {
                var diff = row[x + 2] - 0.5f * (row[x] + row[x + 4]);
                if (float.IsFinite(diff)) differences.Add(diff);
            }
        }
        if (differences.Count == 0) return 0;
        var values = differences.ToArray();
        // The difference carries the noise of 1 + 1/4 + 1/4 pixels.
        return RobustStats.SampledSigma(values, 0) / Math.Sqrt(1.5);
    }
}
