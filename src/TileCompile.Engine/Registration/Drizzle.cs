using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Registration;

/// <summary>How photosites are dropped onto the output grid.</summary>
/// <param name="Scale">Output pixels per reference pixel along each axis (1, 1.5 or 2).</param>
/// <param name="Pixfrac">Side of each photosite's drop, as a fraction of the input pixel (0 &lt; pixfrac ≤ 1).</param>
public sealed record DrizzleOptions(double Scale, double Pixfrac)
{
    /// <summary>Output size along an axis for a reference of <paramref name="size"/> pixels.</summary>
    public int OutputSize(int size) => (int)Math.Round(size * Scale);
}

/// <summary>One frame drizzled onto the output grid: per plane the mean of the drops and their total overlap.</summary>
/// <param name="Values">Per plane (R, G, B, or L for mono) the overlap-weighted mean of the drops landing on each output pixel; NaN where none does.</param>
/// <param name="Weights">Per plane the summed overlap of the drops with each output pixel, in output-pixel areas (0 where none lands).</param>
/// <param name="Width">Output width.</param>
/// <param name="Height">Output height.</param>
public sealed record DrizzledFrame(float[][] Values, float[][] Weights, int Width, int Height);

/// <summary>
/// Drizzle: every photosite is a small square (side <c>pixfrac</c> of an input pixel) centred where the
/// registration puts it on the output grid, and each output pixel is the overlap-weighted mean of the
/// squares that touch it. For a Bayer mosaic each photosite drops into its own colour's plane, so no
/// colour is ever interpolated from its neighbours: the dithered frames fill each other's gaps. The
/// weights travel with the values, so a stack over frames is Σ w·v / Σ w with each frame's own coverage.
/// </summary>
public static class Drizzle
{
    /// <summary>
    /// Drizzles <paramref name="frame"/> (finite; holes listed in <paramref name="holes"/> drop nothing) with the
    /// reference→frame map onto an output grid of the reference's size × <see cref="DrizzleOptions.Scale"/>.
    /// </summary>
    public static DrizzledFrame Apply(ImagePlane frame, BayerPattern? pattern, AffineTransform referenceToFrame, DrizzleOptions options,
        IReadOnlyCollection<int>? holes = null)
    {
        if (options.Scale is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(options), $"drizzle scale {options.Scale} must be between 1 and 4");
        if (options.Pixfrac is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(options), $"drizzle pixfrac {options.Pixfrac} must be in (0, 1]");
        var planes = pattern is null ? 1 : 3;
        var outW = options.OutputSize(frame.Width);
        var outH = options.OutputSize(frame.Height);
        var values = new float[planes][];
        var weights = new float[planes][];
        for (var c = 0; c < planes; c++)
        {
            values[c] = new float[outW * outH];
            weights[c] = new float[outW * outH];
        }
        var hole = new bool[frame.Data.Length];
        if (holes is not null) foreach (var i in holes) hole[i] = true;
        var colours = pattern is { } p ? new[] { (int)p.ColorAt(0, 0), (int)p.ColorAt(1, 0), (int)p.ColorAt(0, 1), (int)p.ColorAt(1, 1) } : new[] { 0, 0, 0, 0 };

        // Gathered rather than scattered: each output pixel looks up the few photosites whose drops can reach
        // it, so every pixel is computed once, in a fixed order (deterministic), with nothing accumulated.
        var s = options.Scale;
        // An output pixel seen from the frame: a square of side `footprint` input pixels (the map's scale / s).
        var mapScale = Math.Sqrt(Math.Abs(referenceToFrame.A * referenceToFrame.D - referenceToFrame.B * referenceToFrame.C));
        var footprint = mapScale / s;
        var drop = options.Pixfrac;
        var reach = 0.5 * (footprint + drop);
        // Overlaps are in input-pixel areas; one output pixel's area in those units turns them into output-pixel fractions.
        var perOutputPixel = 1 / (footprint * footprint);
        Span<double> sum = stackalloc double[3];
        Span<double> area = stackalloc double[3];
        for (var y = 0; y < outH; y++)
        {
            var ry = (y + 0.5) / s - 0.5;
            for (var x = 0; x < outW; x++)
            {
                var rx = (x + 0.5) / s - 0.5;
                var (u, v) = referenceToFrame.Apply(rx, ry);
                Gather(frame, hole, colours, u, v, footprint, drop, reach, sum, area);
                var o = y * outW + x;
                for (var c = 0; c < planes; c++)
                {
                    values[c][o] = area[c] > 0 ? (float)(sum[c] / area[c]) : float.NaN;
                    weights[c][o] = (float)(area[c] * perOutputPixel);
                }
            }
        }
        return new DrizzledFrame(values, weights, outW, outH);
    }

    // The drops of the photosites that reach the output pixel seen at (u, v) in the frame: their overlap-weighted
    // sums and overlap areas per colour.
    private static void Gather(ImagePlane frame, bool[] hole, int[] colours, double u, double v, double footprint, double drop, double reach,
        Span<double> sum, Span<double> area)
    {
        sum.Clear();
        area.Clear();
        var i0 = Math.Max(0, (int)Math.Ceiling(u - reach));
        var i1 = Math.Min(frame.Width - 1, (int)Math.Floor(u + reach));
        var j0 = Math.Max(0, (int)Math.Ceiling(v - reach));
        var j1 = Math.Min(frame.Height - 1, (int)Math.Floor(v + reach));
        for (var j = j0; j <= j1; j++)
        {
            var oy = Overlap(v, footprint, j, drop);
            if (oy <= 0) continue;
            var row = j * frame.Width;
            for (var i = i0; i <= i1; i++)
            {
                var ox = Overlap(u, footprint, i, drop);
                if (ox <= 0 || hole[row + i]) continue;
                var c = colours[(i & 1) | ((j & 1) << 1)];
                var a = ox * oy;
                sum[c] += a * frame.Data[row + i];
                area[c] += a;
            }
        }
    }

    // Length of the overlap of [centre − footprint/2, centre + footprint/2] with the drop [site − drop/2, site + drop/2].
    private static double Overlap(double centre, double footprint, int site, double drop)
    {
        var lo = Math.Max(centre - 0.5 * footprint, site - 0.5 * drop);
        var hi = Math.Min(centre + 0.5 * footprint, site + 0.5 * drop);
        return hi > lo ? hi - lo : 0;
    }
}
