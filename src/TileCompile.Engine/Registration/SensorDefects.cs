using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Registration;

/// <summary>
/// Hot and cold sensor pixels found from the sequence itself: the same photosite standing far above or
/// below its own colour's neighbours in most frames. Repaired before warping, they cannot leave the
/// tracks that a defect fixed on the sensor draws across dithered, registered frames.
/// </summary>
public static class SensorDefects
{
    /// <summary>Deviation from the neighbours' median, in pixel-noise sigmas, that counts as defective in one frame.</summary>
    public const double Sigma = 5;
    /// <summary>Share of the sampled frames in which a pixel must deviate to be a sensor defect.</summary>
    public const double Fraction = 0.5;
    /// <summary>Fewest frames from which defects are judged (a single frame cannot tell a defect from the sky).</summary>
    public const int MinFrames = 3;

    /// <summary>
    /// Pixel indices (y·width + x) that deviate in at least <see cref="Fraction"/> of <paramref name="frames"/>.
    /// Pixels within 3 px of <paramref name="stars"/> (full-resolution positions in a frame of the sequence) are
    /// never defects: a star that stays on the same pixels throughout an undithered session would otherwise qualify.
    /// </summary>
    public static int[] Find(IReadOnlyList<ImagePlane> frames, bool mosaic, IReadOnlyList<(double X, double Y)> stars)
    {
        if (frames.Count < MinFrames) return Array.Empty<int>();
        var w = frames[0].Width;
        var h = frames[0].Height;
        var counts = new int[w * h];
        foreach (var frame in frames)
        {
            if (frame.Width != w || frame.Height != h) continue;
            var flagged = Deviating(frame, mosaic);
            foreach (var i in flagged) counts[i]++;
        }
        var near = new bool[w * h];
        foreach (var (sx, sy) in stars)
        {
            for (var y = (int)Math.Floor(sy - 3); y <= (int)Math.Ceiling(sy + 3); y++)
            for (var x = (int)Math.Floor(sx - 3); x <= (int)Math.Ceiling(sx + 3); x++)
                if (x >= 0 && y >= 0 && x < w && y < h) near[y * w + x] = true;
        }
        var needed = (int)Math.Ceiling(Fraction * frames.Count);
        var defects = new List<int>();
        for (var i = 0; i < counts.Length; i++) if (counts[i] >= needed && !near[i]) defects.Add(i);
        return defects.ToArray();
    }

    /// <summary>
    /// Replaces the <paramref name="defects"/> and every non-finite pixel of <paramref name="frame"/> by the median of
    /// the nearest pixels of the same colour; returns the non-finite ones (holes: no data, to be masked after warping).
    /// </summary>
    public static List<int> Repair(ImagePlane frame, IReadOnlyList<int> defects, bool mosaic)
    {
        var d = frame.Data;
        var holes = new List<int>();
        for (var i = 0; i < d.Length; i++) if (!float.IsFinite(d[i])) holes.Add(i);
        var step = mosaic ? 2 : 1;
        var fixes = new List<(int Index, float Value)>(defects.Count + holes.Count);
        Span<float> ring = stackalloc float[8];
        foreach (var list in new[] { defects, holes })
            foreach (var i in list) fixes.Add((i, NeighbourMedian(frame, i, step, ring)));
        foreach (var (i, v) in fixes) d[i] = v;
        return holes;
    }

    // Pixels of one frame more than Sigma·σ from the median of their eight same-colour neighbours.
    private static List<int> Deviating(ImagePlane frame, bool mosaic)
    {
        var sigma = HotPixelFilter.PixelNoise(frame);
        var found = new List<int>();
        if (!(sigma > 0)) return found;
        var step = mosaic ? 2 : 1;
        var w = frame.Width;
        var h = frame.Height;
        var d = frame.Data;
        var limit = (float)(Sigma * sigma);
        Span<float> ring = stackalloc float[8];
        for (var y = step; y < h - step; y++)
        {
            for (var x = step; x < w - step; x++)
            {
                var i = y * w + x;
                var v = d[i];
                if (!float.IsFinite(v)) continue;
                // Cheap test first: most pixels are within the limit of their left and right neighbours' mean.
                if (Math.Abs(v - 0.5f * (d[i - step] + d[i + step])) < limit) continue;
                var m = Median(d, i, w, step, ring);
                if (Math.Abs(v - m) >= limit) found.Add(i);
            }
        }
        return found;
    }

    private static float NeighbourMedian(ImagePlane frame, int i, int step, Span<float> ring)
    {
        var w = frame.Width;
        var x = i % w;
        var y = i / w;
        var n = 0;
        for (var dy = -step; dy <= step; dy += step)
        for (var dx = -step; dx <= step; dx += step)
        {
            if (dx == 0 && dy == 0) continue;
            var xx = x + dx;
            var yy = y + dy;
            if (xx < 0 || yy < 0 || xx >= w || yy >= frame.Height) continue;
            var v = frame.Data[yy * w + xx];
            if (float.IsFinite(v)) ring[n++] = v;
        }
        if (n == 0) return 0;
        var used = ring[..n];
        used.Sort();
        return n % 2 == 1 ? used[n / 2] : 0.5f * (used[n / 2 - 1] + used[n / 2]);
    }

    private static float Median(float[] d, int i, int w, int step, Span<float> ring)
    {
        var row = step * w;
        ring[0] = d[i - row - step]; ring[1] = d[i - row]; ring[2] = d[i - row + step];
        ring[3] = d[i - step]; ring[4] = d[i + step];
        ring[5] = d[i + row - step]; ring[6] = d[i + row]; ring[7] = d[i + row + step];
        ring.Sort();
        return 0.5f * (ring[3] + ring[4]);
    }

    /// <summary>
    /// Sets to NaN (no data) the pixels of <paramref name="warped"/> that drew on a hole of the frame: those within
    /// 1.5 px of the hole's position on the reference grid (of the same colour, for a mosaic).
    /// </summary>
    public static void MaskHoles(ImagePlane warped, IReadOnlyList<int> holes, AffineTransform referenceToFrame, bool mosaic)
    {
        if (holes.Count == 0) return;
        var inverse = referenceToFrame.Inverse();
        var w = warped.Width;
        var h = warped.Height;
        foreach (var hole in holes)
        {
            var hx = hole % w;
            var hy = hole / w;
            var (rx, ry) = inverse.Apply(hx, hy);
            for (var y = (int)Math.Floor(ry - 2); y <= (int)Math.Ceiling(ry + 2); y++)
            for (var x = (int)Math.Floor(rx - 2); x <= (int)Math.Ceiling(rx + 2); x++)
            {
                if (x < 0 || y < 0 || x >= w || y >= h) continue;
                if (mosaic && ((x - hx) & 1) != 0) continue;
                if (mosaic && ((y - hy) & 1) != 0) continue;
                var reach = mosaic ? 3.0 : 1.5;
                if ((x - rx) * (x - rx) + (y - ry) * (y - ry) <= reach * reach) warped.Data[y * w + x] = float.NaN;
            }
        }
    }
}
