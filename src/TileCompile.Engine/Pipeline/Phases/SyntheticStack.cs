using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Reconstruction;
using StackKeys = TileCompile.Engine.Config.ConfigKeys.Stacking;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>Full mode's final combination: the synthetic frames, each channel on its own, weighted by the frames they carry.</summary>
internal static class SyntheticStack
{
    /// <summary>One stacked plane per channel of <paramref name="channels"/>, <paramref name="w"/> × <paramref name="h"/>.</summary>
    public static List<float[]> Planes(PhaseContext context, ChannelReport channels, TileGridReport grid, int w, int h)
    {
        var planes = new List<float[]>();
        var synthetic = context.Read(ArtifactCatalog.Synthetic);
        var weights = ClusterWeights(context, synthetic);
        var field = new TileWeightField(grid.Grid());
        var clip = ImageArtifacts.ClipOptions(context.Config);
        var budget = (long)context.Config.Get(Config.ConfigKeys.RuntimeLimits.MemoryBudgetMiB) * 1024 * 1024;
        for (var c = 0; c < channels.Channels.Count; c++)
        {
            var sources = synthetic.Frames.Select(s => new StackSource(context.Paths.Resolve(s.Path), c, 1f)).ToList();
            // Outliers were rejected inside each cluster; clipping across clusters would clip the sharper
            // clusters' star cores, so it is optional (stacking.synthetic_rejection).
            var finalClip = context.Config.Get(StackKeys.SyntheticRejection) && synthetic.Frames.Count >= 3 ? clip : null;
            // Each synthetic frame weighs, pixel by pixel, as much as the frames it was made of weigh
            // there: a cluster of sharp frames leads where it is sharp, as the frames would without clustering.
            IWeightProvider provider = synthetic.Frames.All(s => s.TileWeightSums is not null)
                ? new TileWeights(field, synthetic.Frames.Select((s, k) => s.TileWeightSums![c].Select(v => v * weights[k]).ToArray()).ToList())
                : new ConstantWeights(weights.Select((v, k) => v * Mass(synthetic.Frames[k])).ToList());
            var result = BandStacker.Stack(w, h, sources, provider, finalClip, classic: false,
                budget, context.ParallelOptions);
            if (channels.Drizzle is not null) FillFromReconstruction(context, channels.Channels[c], result.Image);
            planes.Add(result.Image);
        }
        return planes;
    }

    // Each synthetic frame counts with the data it carries (the sum of its frames' weights), so a
    // one-frame cluster cannot weigh as much as a fifty-frame one; this is the factor quality
    // weighting puts on top of that (1 when it is off).
    private static double[] ClusterWeights(PhaseContext context, SyntheticReport synthetic)
    {
        if (!context.Config.Get(StackKeys.ClusterWeighting)) return synthetic.Frames.Select(_ => 1.0).ToArray();
        var kappa = context.Config.Get(StackKeys.KappaCluster);
        var quality = synthetic.Frames.Select(s => Math.Exp(kappa * s.Quality)).ToArray();
        var cap = context.Config.Get(StackKeys.CapRatio) * RobustStats.Median(quality.ToList());
        return quality.Select(v => Math.Min(v, cap)).ToArray();
    }

    private static double Mass(SyntheticFrame s) => s.WeightSum > 0 ? s.WeightSum : s.Members;

    // Drizzled pixels no drop reached in any cluster: phase 7 filled them from the registered frames; take those.
    private static void FillFromReconstruction(PhaseContext context, string channel, float[] image)
    {
        if (Array.TrueForAll(image, float.IsFinite)) return;
        using var fits = FitsImage.Open(context.Paths.Resolve(ImageArtifacts.Reconstructed(channel)));
        var reconstruction = fits.ReadPlane();
        for (var i = 0; i < image.Length; i++) if (!float.IsFinite(image[i])) image[i] = reconstruction[i];
    }
}
