using TileCompile.Engine.Imaging;
using TileCompile.Engine.Stacking;

namespace TileCompile.Engine.Calibration;

/// <summary>How calibration frames of one kind are combined into a master.</summary>
public enum MasterMethod
{
    /// <summary>Per-pixel median.</summary>
    Median,
    /// <summary>Per-pixel mean after 3σ winsorized clipping (less noisy than the median, as robust to cosmic rays).</summary>
    SigmaClip,
}

/// <summary>Combines calibration frames of one kind, pixel by pixel, into a master.</summary>
public static class MasterCombiner
{
    private static readonly SigmaClipOptions Clip = new(3, 3, 3, 0.4, Winsorized: true);

    /// <summary>The master of <paramref name="frames"/> (all the same size; at least one).</summary>
    public static ImagePlane Combine(IReadOnlyList<ImagePlane> frames, MasterMethod method, ParallelOptions? parallel = null)
    {
        if (frames.Count == 0) throw new ArgumentException("no frames to combine", nameof(frames));
        var w = frames[0].Width;
        var h = frames[0].Height;
        foreach (var f in frames)
            if (f.Width != w || f.Height != h) throw new ArgumentException($"frames of {f.Width}x{f.Height} and {w}x{h} cannot be combined");
        var master = new ImagePlane(w, h);
        var n = frames.Count;
        Parallel.For(0, h, parallel ?? new ParallelOptions(), () => (Values: new float[n], Ones: Ones(n), Keep: new bool[n], Scratch: new float[2 * n]), (y, _, s) =>
        {
            var row = master.Row(y);
            for (var x = 0; x < w; x++)
            {
                var i = y * w + x;
                for (var k = 0; k < n; k++) s.Values[k] = frames[k].Data[i];
                row[x] = method == MasterMethod.Median ? Median(s.Values, s.Scratch) : SigmaClip.Combine(s.Values, s.Ones, s.Keep, Clip, s.Scratch).Value;
            }
            return s;
        }, _ => { });
        return master;
    }

    private static float[] Ones(int n)
    {
        var ones = new float[n];
        Array.Fill(ones, 1f);
        return ones;
    }

    private static float Median(float[] values, float[] scratch)
    {
        var m = 0;
        foreach (var v in values) if (float.IsFinite(v)) scratch[m++] = v;
        if (m == 0) return float.NaN;
        var s = scratch.AsSpan(0, m);
        s.Sort();
        return m % 2 == 1 ? s[m / 2] : 0.5f * (s[m / 2 - 1] + s[m / 2]);
    }
}
