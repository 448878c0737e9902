namespace TileCompile.Engine.Imaging;

/// <summary>Half-flux diameter of a star: twice the radius that holds half its background-subtracted flux.</summary>
public static class HalfFluxDiameter
{
    /// <summary>HFD of the star near (<paramref name="x"/>, <paramref name="y"/>) within <paramref name="radius"/>; NaN when unmeasurable.</summary>
    public static double Measure(ImagePlane image, double x, double y, double background, int radius)
    {
        var ix = (int)Math.Round(x);
        var iy = (int)Math.Round(y);
        if (ix < radius || iy < radius || ix >= image.Width - radius || iy >= image.Height - radius) return double.NaN;
        var samples = new List<(double R, double V)>();
        double total = 0;
        for (var j = iy - radius; j <= iy + radius; j++)
        for (var i = ix - radius; i <= ix + radius; i++)
        {
            var r = Math.Sqrt((i - x) * (i - x) + (j - y) * (j - y));
            if (r > radius) continue;
            var v = image[i, j] - background;
            if (!double.IsFinite(v)) return double.NaN;
            samples.Add((r, v));
            total += v;
        }
        if (total <= 0) return double.NaN;
        samples.Sort((a, b) => a.R.CompareTo(b.R));
        double acc = 0;
        foreach (var (r, v) in samples)
        {
            acc += v;
            if (acc >= total / 2) return 2 * r;
        }
        return double.NaN;
    }
}
