using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using Keys = TileCompile.Engine.Config.ConfigKeys.GlobalMetrics;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>
/// Phase 4: per frame and channel the background B, noise σ and gradient energy E of the normalized
/// frame; <c>Q = α·(−z(B)) + β·(−z(σ)) + γ·z(E)</c> and <c>G = exp(k·clip(Q))</c>. Frames are
/// weighted, never dropped.
/// </summary>
public sealed class GlobalMetricsPhase : IPipelinePhase
{
    /// <summary>Artifact path.</summary>
    public const string ReportJson = "artifacts/global_metrics.json";

    /// <inheritdoc />
    public PhaseId Id => PhaseId.GlobalMetrics;
    /// <summary>Smallest spread of a metric, relative to its median, that z-scores are taken against.</summary>
    public const double RelativeFloor = 0.05;

    /// <inheritdoc />
    public int AlgoVersion => 3;
    /// <inheritdoc />
    public IReadOnlyList<ConfigKey> ConfigKeys { get; } = new ConfigKey[]
    {
        Keys.WeightBackground, Keys.WeightNoise, Keys.WeightGradient, Keys.Clamp, Keys.AdaptiveWeights, Keys.WeightExponentScale,
    };
    /// <inheritdoc />
    public IReadOnlyList<PhaseId> Reads { get; } = new[] { PhaseId.ChannelSplit, PhaseId.Normalization };
    /// <inheritdoc />
    public bool ReadsInputFrames => false;

    /// <inheritdoc />
    public void Run(PhaseContext context)
    {
        var channels = context.ReadJson<ChannelReport>(ChannelSplitPhase.ReportJson);
        var norm = context.ReadJson<NormalizationReport>(NormalizationPhase.ReportJson);
        var n = channels.Frames.Count;
        var nc = channels.Channels.Count;
        var noise = new double[n][];
        var energy = new double[n][];
        var done = 0;
        Parallel.For(0, n, context.ParallelOptions, i =>
        {
            using var cube = FitsImage.Open(context.Paths.Resolve(channels.Frames[i].Path));
            noise[i] = new double[nc];
            energy[i] = new double[nc];
            for (var c = 0; c < nc; c++)
            {
                var plane = ImageMetrics.NormalizedPlane(cube, c, norm.Frames[i].Background[c]);
                noise[i][c] = ImageMetrics.Noise(plane, 0, 0, plane.Width, plane.Height);
                energy[i][c] = ImageMetrics.SignalGradientEnergy(ImageMetrics.GradientEnergy(plane, 0, 0, plane.Width, plane.Height, step: 2), noise[i][c]);
            }
            context.Progress(Interlocked.Increment(ref done), n);
        });

        var clamp = context.Config.Get(Keys.Clamp);
        var k = context.Config.Get(Keys.WeightExponentScale);
        var quality = new double[n][];
        var weight = new double[n][];
        for (var i = 0; i < n; i++)
        {
            quality[i] = new double[nc];
            weight[i] = new double[nc];
        }
        var used = new double[3];
        for (var c = 0; c < nc; c++)
        {
            // A 5 % difference in background, noise or gradient energy counts as one standard deviation at
            // most: frames that differ by a percent are alike, and weights of e^±3 between them only add noise.
            var zb = RobustStats.ZScores(Enumerable.Range(0, n).Select(i => norm.Frames[i].Background[c]).ToList(), RelativeFloor);
            var zs = RobustStats.ZScores(Enumerable.Range(0, n).Select(i => noise[i][c]).ToList(), RelativeFloor);
            var ze = RobustStats.ZScores(Enumerable.Range(0, n).Select(i => energy[i][c]).ToList(), RelativeFloor);
            var (a, b, g) = (context.Config.Get(Keys.WeightBackground), context.Config.Get(Keys.WeightNoise), context.Config.Get(Keys.WeightGradient));
            if (context.Config.Get(Keys.AdaptiveWeights))
            {
                // Weight each criterion by how much it varies in this session, each within [0.1, 0.7].
                var v = new[] { Variance(zb), Variance(zs), Variance(ze) }.Select(x => double.IsFinite(x) ? x : 0).ToArray();
                var total = v.Sum();
                var raw = total > 0 ? v.Select(x => Math.Clamp(x / total, 0.1, 0.7)).ToArray() : new[] { a, b, g };
                var s = raw.Sum();
                (a, b, g) = (raw[0] / s, raw[1] / s, raw[2] / s);
            }
            used = new[] { a, b, g };
            for (var i = 0; i < n; i++)
            {
                var q = a * -zb[i] + b * -zs[i] + g * ze[i];
                quality[i][c] = q;
                weight[i][c] = Math.Exp(k * Math.Clamp(q, clamp.Low, clamp.High));
            }
        }

        context.WriteJson(ReportJson, new GlobalMetricsReport
        {
            Channels = channels.Channels,
            Weights = used,
            Frames = channels.Frames.Select((f, i) => new FrameGlobalMetrics
            {
                Frame = f.Frame,
                Background = norm.Frames[i].Background,
                Noise = noise[i],
                GradientEnergy = energy[i],
                Quality = quality[i],
                Weight = weight[i],
            }).ToList(),
        });
    }

    private static double Variance(double[] x)
    {
        var m = x.Average();
        return x.Sum(v => (v - m) * (v - m)) / Math.Max(1, x.Length - 1);
    }
}
