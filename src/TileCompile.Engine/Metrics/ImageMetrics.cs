using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Metrics;

/// <summary>Noise and sharpness measures shared by the global and local metrics.</summary>
internal static class ImageMetrics
{
    /// <summary>
    /// Robust noise of a region: 1.4826·MAD of the difference between each pixel and the mean of its
    /// eight neighbours, corrected for the neighbours' own noise (×√(8/9)).
    /// </summary>
    public static double Noise(ImagePlane p, int x0, int y0, int w, int h, int step = 2)
    {
        var values = new List<float>();
        for (var y = Math.Max(1, y0); y < Math.Min(p.Height - 1, y0 + h); y += step)
        for (var x = Math.Max(1, x0); x < Math.Min(p.Width - 1, x0 + w); x += step)
        {
            var i = y * p.Width + x;
            var d = p.Data;
            var m = (d[i - p.Width - 1] + d[i - p.Width] + d[i - p.Width + 1] + d[i - 1] + d[i + 1] + d[i + p.Width - 1] + d[i + p.Width] + d[i + p.Width + 1]) / 8f;
            var r = d[i] - m;
            if (float.IsFinite(r)) values.Add(r);
        }
        if (values.Count == 0) return double.NaN;
        var arr = values.ToArray();
        var median = RobustStats.MedianInPlace((float[])arr.Clone());
        for (var i = 0; i < arr.Length; i++) arr[i] = Math.Abs(arr[i] - (float)median);
        return 1.4826 * RobustStats.MedianInPlace(arr) * Math.Sqrt(8.0 / 9.0);
    }

    /// <summary>Mean squared gradient of a 3×3-box-smoothed region (a sharpness and transparency proxy).</summary>
    public static double GradientEnergy(ImagePlane p, int x0, int y0, int w, int h, int step = 1)
    {
        double sum = 0;
        long n = 0;
        for (var y = Math.Max(2, y0); y < Math.Min(p.Height - 2, y0 + h); y += step)
        for (var x = Math.Max(2, x0); x < Math.Min(p.Width - 2, x0 + w); x += step)
        {
            var gx = (Box(p, x + 1, y) - Box(p, x - 1, y)) * 0.5;
            var gy = (Box(p, x, y + 1) - Box(p, x, y - 1)) * 0.5;
            var e = gx * gx + gy * gy;
            if (!double.IsFinite(e)) continue;
            sum += e;
            n++;
        }
        return n == 0 ? double.NaN : sum / n;
    }

    private static double Box(ImagePlane p, int x, int y)
    {
        var d = p.Data;
        var w = p.Width;
        var i = y * w + x;
        return (d[i - w - 1] + d[i - w] + d[i - w + 1] + d[i - 1] + d[i] + d[i + 1] + d[i + w - 1] + d[i + w] + d[i + w + 1]) / 9.0;
    }

    /// <summary>
    /// Gradient energy of real structure: <see cref="GradientEnergy"/> minus what white noise of
    /// <paramref name="noise"/> contributes after the 3×3 box and central differences (2σ²/27), so a
    /// noisier frame does not look sharper.
    /// </summary>
    public static double SignalGradientEnergy(double energy, double noise) => Math.Max(energy - 2 * noise * noise / 27, 0);

    /// <summary>Median of a region (sampled).</summary>
    public static double Median(ImagePlane p, int x0, int y0, int w, int h, int step = 2)
    {
        var values = new List<float>();
        for (var y = Math.Max(0, y0); y < Math.Min(p.Height, y0 + h); y += step)
        for (var x = Math.Max(0, x0); x < Math.Min(p.Width, x0 + w); x += step)
        {
            var v = p[x, y];
            if (float.IsFinite(v)) values.Add(v);
        }
        return RobustStats.MedianInPlace(values.ToArray());
    }

    /// <summary>A channel plane of a cube, divided by its background.</summary>
    public static ImagePlane NormalizedPlane(Fits.FitsImage cube, int channel, double background)
    {
        var data = cube.ReadPlane(channel);
        System.Numerics.Tensors.TensorPrimitives.Multiply(data, (float)(1 / background), data);
        return new ImagePlane(cube.Width, cube.Height, data);
    }

    /// <summary>
    /// Pixel noise per channel (R, G, B or L) of a frame as read. After warping, interpolation smooths each frame's
    /// noise by an amount that depends on its sub-pixel shift, so noise measured there would favour half-pixel shifts.
    /// </summary>
    public static double[] RawNoise(ImagePlane raw, BayerPattern? pattern)
    {
        if (pattern is not { } p) return new[] { Noise(raw, 0, 0, raw.Width, raw.Height) };
        return new[] { BayerCells.Offset(p, CfaColor.Red), BayerCells.GreenOffsets(p)[0], BayerCells.Offset(p, CfaColor.Blue) }
            .Select(o => raw.SubPlane(o.X, o.Y))
            .Select(s => Math.Round(Noise(s, 0, 0, s.Width, s.Height), 6)).ToArray();
    }
}
