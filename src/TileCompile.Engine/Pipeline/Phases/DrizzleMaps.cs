using TileCompile.Engine.Fits;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>What a drizzled reconstruction adds: its coverage and weight maps, and the pixels no drop reached.</summary>
internal static class DrizzleMaps
{
    /// <summary>Writes the summed coverage and weight of every channel as two cubes.</summary>
    public static void Write(PhaseContext context, ChannelReport channels, float[] coverage, float[] weightSum, int width, int height, string coveragePath, string weightPath)
    {
        var header = new FitsHeader();
        header.Set("TC-CHAN", string.Join(",", channels.Channels), "planes of this cube");
        header.Set("TC-DRIZ", $"scale {channels.Drizzle!.Scale}, pixfrac {channels.Drizzle.Pixfrac}", "drizzle grid");
        header.Set("TC-MAP", "coverage", "summed drop coverage over the frames, in output-pixel areas");
        context.WriteArtifact(coveragePath, s => FitsWriter.WriteFloat32(s, coverage, width, height, channels.Channels.Count, header), consumed: false);
        header.Set("TC-MAP", "weight", "summed frame and tile weight times coverage, before rejection");
        context.WriteArtifact(weightPath, s => FitsWriter.WriteFloat32(s, weightSum, width, height, channels.Channels.Count, header), consumed: false);
    }

    // Pixels no drop reached, filled with the normalized mean of the registered (interpolated) frames at the same
    // place, in both the reconstruction and the classic mean. Returns how many were filled.
    public static int FillFromRegistered(PhaseContext context, ChannelReport channels, NormalizationReport norm, int c, int width, int height,
        float[] image, float[] classic)
    {
        var holes = new List<int>();
        for (var i = 0; i < image.Length; i++) if (!float.IsFinite(image[i])) holes.Add(i);
        if (holes.Count == 0) return 0;
        double sx = (double)channels.Width / width, sy = (double)channels.Height / height;
        var at = holes.Select(i => Math.Clamp((int)Math.Round(((i / width) + 0.5) * sy - 0.5), 0, channels.Height - 1) * channels.Width
                                   + Math.Clamp((int)Math.Round(((i % width) + 0.5) * sx - 0.5), 0, channels.Width - 1)).ToArray();
        var sum = new double[holes.Count];
        var count = new int[holes.Count];
        for (var f = 0; f < channels.Frames.Count; f++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            using var fits = FitsImage.Open(context.Paths.Resolve(channels.Frames[f].Path));
            var plane = fits.ReadPlane(c);
            var scale = 1 / norm.Frames[f].Background[c];
            for (var k = 0; k < holes.Count; k++)
            {
                var v = plane[at[k]];
                if (!float.IsFinite(v)) continue;
                sum[k] += v * scale;
                count[k]++;
            }
        }
        var filled = 0;
        for (var k = 0; k < holes.Count; k++)
        {
            if (count[k] == 0) continue;
            image[holes[k]] = (float)(sum[k] / count[k]);
            if (!float.IsFinite(classic[holes[k]])) classic[holes[k]] = image[holes[k]];
            filled++;
        }
        return filled;
    }
}
