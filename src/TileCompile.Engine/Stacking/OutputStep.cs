using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Stacking;

/// <summary>The last step of a stack: from stacked channel planes to the image that is written.</summary>
public static class OutputStep
{
    /// <summary>
    /// The output image: each plane scaled to linear ADU, cropped to <paramref name="area"/>, pixels without data set to
    /// the plane's median (their count returned), and half-resolution CFA planes (<paramref name="bayerPattern"/> not
    /// null) interpolated into a full-resolution RGB cube at their photosites' positions.
    /// </summary>
    public static (float[] Output, int Width, int Height, int Planes, long Filled) Compose(List<float[]> source, double[] scales, int w, int h,
        (int X, int Y, int W, int H) area, string? bayerPattern)
    {
        var planes = source.Select((p, c) =>
        {
            var scaled = new float[p.Length];
            System.Numerics.Tensors.TensorPrimitives.Multiply(p, (float)scales[c], scaled);
            return (area.W, area.H) == (w, h) ? scaled : Crop(scaled, w, area.X, area.Y, area.W, area.H);
        }).ToList();
        var (cw, ch) = (area.W, area.H);
        var filled = 0L;
        foreach (var p in planes) filled += FillMissing(p);
        if (bayerPattern is null)
        {
            if (planes.Count == 1) return (planes[0], cw, ch, 1, filled);
            var cube = new float[cw * ch * planes.Count];
            for (var c = 0; c < planes.Count; c++) planes[c].CopyTo(cube, c * cw * ch);
            return (cube, cw, ch, planes.Count, filled);
        }
        var pattern = BayerPattern.Parse(bayerPattern);
        var full = (Width: cw * 2, Height: ch * 2);
        var output = new float[full.Width * full.Height * 3];
        var offsets = new[]
        {
            ToOffset(BayerCells.Offset(pattern, CfaColor.Red)),
            Average(BayerCells.GreenOffsets(pattern)),
            ToOffset(BayerCells.Offset(pattern, CfaColor.Blue)),
        };
        for (var c = 0; c < 3; c++)
            Upsample(planes[c], cw, ch, offsets[c], output.AsSpan(c * full.Width * full.Height, full.Width * full.Height), full.Width, full.Height);
        return (output, full.Width, full.Height, 3, filled);
    }

    private static (double X, double Y) ToOffset((int X, int Y) o) => (o.X, o.Y);

    private static (double X, double Y) Average((int X, int Y)[] o) => (o.Average(p => p.X), o.Average(p => p.Y));

    // Each half-resolution plane sample i sits at full-resolution coordinate 2i + offset; interpolate there.
    private static void Upsample(float[] plane, int w, int h, (double X, double Y) offset, Span<float> output, int fw, int fh)
    {
        for (var y = 0; y < fh; y++)
        {
            var sy = Math.Clamp((y - offset.Y) / 2, 0, h - 1);
            var y0 = Math.Min((int)sy, h - 2);
            var fy = sy - y0;
            for (var x = 0; x < fw; x++)
            {
                var sx = Math.Clamp((x - offset.X) / 2, 0, w - 1);
                var x0 = Math.Min((int)sx, w - 2);
                var fx = sx - x0;
                var i = y0 * w + x0;
                var top = plane[i] * (1 - fx) + plane[i + 1] * fx;
                var bottom = plane[i + w] * (1 - fx) + plane[i + w + 1] * fx;
                output[y * fw + x] = (float)(top * (1 - fy) + bottom * fy);
            }
        }
    }

    private static long FillMissing(float[] plane)
    {
        var missing = 0L;
        foreach (var v in plane) if (!float.IsFinite(v)) missing++;
        if (missing == 0) return 0;
        var level = (float)RobustStats.SampledMedian(plane);
        if (!float.IsFinite(level)) level = 0;
        for (var i = 0; i < plane.Length; i++) if (!float.IsFinite(plane[i])) plane[i] = level;
        return missing;
    }

    /// <summary>The largest rectangle every plane has data in, shrunk side by side from the edge with the most holes.</summary>
    public static (int X, int Y, int W, int H) CommonArea(List<float[]> planes, int w, int h)
    {
        bool Valid(int x, int y) => planes.All(p => float.IsFinite(p[y * w + x]));
        int left = 0, right = w - 1, top = 0, bottom = h - 1;
        for (var guard = 0; guard < w + h; guard++)
        {
            var badTop = CountBad(left, right, top, top, Valid);
            var badBottom = CountBad(left, right, bottom, bottom, Valid);
            var badLeft = CountBad(left, left, top, bottom, Valid);
            var badRight = CountBad(right, right, top, bottom, Valid);
            var worst = Math.Max(Math.Max(badTop, badBottom), Math.Max(badLeft, badRight));
            if (worst == 0 || right - left < 16 || bottom - top < 16) break;
            if (worst == badTop) top++;
            else if (worst == badBottom) bottom--;
            else if (worst == badLeft) left++;
            else right--;
        }
        // Keep CFA-derived planes on even boundaries in full resolution by construction (they are half resolution already).
        return (left, top, right - left + 1, bottom - top + 1);
    }

    private static int CountBad(int x0, int x1, int y0, int y1, Func<int, int, bool> valid)
    {
        var n = 0;
        for (var y = y0; y <= y1; y++) for (var x = x0; x <= x1; x++) if (!valid(x, y)) n++;
        return n;
    }

    private static float[] Crop(float[] plane, int w, int x0, int y0, int cw, int ch)
    {
        var result = new float[cw * ch];
        for (var y = 0; y < ch; y++) plane.AsSpan((y0 + y) * w + x0, cw).CopyTo(result.AsSpan(y * cw, cw));
        return result;
    }
}
