using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Registration;

/// <summary>
/// Replaces isolated hot pixels and cosmic-ray hits (a pixel far above all eight neighbours) by the
/// median of its neighbours. Real stars spread over several pixels, so their peaks are kept.
/// </summary>
public static class HotPixelFilter
{
    /// <summary>Cleans <paramref name="image"/> in place; returns how many pixels were replaced.</summary>
    public static int Clean(ImagePlane image, double sigmaThreshold = 6, double concentration = 3.5)
    {
        var level = RobustStats.SampledMedian(image.Data);
        var sigma = Math.Max(PixelNoise(image), 1e-6);
        var w = image.Width;
        var h = image.Height;
        var d = image.Data;
        var fixes = new List<(int Index, float Value)>();
        Span<float> n = stackalloc float[8];
        for (var y = 1; y < h - 1; y++)
        {
            for (var x = 1; x < w - 1; x++)
            {
                var i = y * w + x;
                var v = d[i];
                if (v - level < sigmaThreshold * sigma) continue;
                n[0] = d[i - w - 1]; n[1] = d[i - w]; n[2] = d[i - w + 1];
                n[3] = d[i - 1]; n[4] = d[i + 1];
                n[5] = d[i + w - 1]; n[6] = d[i + w]; n[7] = d[i + w + 1];
                var max = float.MinValue;
                foreach (var t in n) if (t > max) max = t;
                if (v - max < sigmaThreshold * sigma) continue;
                if (v - level < concentration * Math.Max(max - level, sigma)) continue;
                n.Sort();
                fixes.Add((i, 0.5f * (n[3] + n[4])));
            }
        }
        foreach (var (index, value) in fixes) d[index] = value;
        return fixes.Count;
    }

    /// <summary>
    /// Pixel-to-pixel noise: the spread of differences between pixels two apart (same Bayer colour),
    /// which nebulosity and gradients do not inflate the way they inflate the spread of the values.
    /// </summary>
    internal static double PixelNoise(ImagePlane image)
    {
        var w = image.Width;
        var h = image.Height;
        if (w < 3) return RobustStats.SampledSigma(image.Data, RobustStats.SampledMedian(image.Data));
        var step = Math.Max(1, (int)Math.Sqrt((double)w * h / 100_000));
        var differences = new List<float>();
        for (var y = 0; y < h; y += step)
        {
            var row = image.Row(y);
            for (var x = 0; x + 2 < w; x += step)
            {
                var diff = row[x + 2] - row[x];
                if (float.IsFinite(diff)) differences.Add(diff);
            }
        }
        if (differences.Count == 0) return 0;
        var values = differences.ToArray();
        return RobustStats.SampledSigma(values, 0) / Math.Sqrt(2);
    }
}
