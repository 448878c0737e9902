using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Metrics;
using TileCompile.Engine.Contracts;
using Keys = TileCompile.Engine.Config.ConfigKeys.GlobalMetrics;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>
/// Phase 4: per frame and channel the background B, noise σ, gradient energy E and transparency s
/// (star flux relative to the reference) of the normalized frame. Method snr (default):
/// <c>G ∝ s/σ²</c>; method quality: <c>Q = α·(−z(B)) + β·(−z(σ)) + γ·z(E)</c> and <c>G = exp(k·clip(Q))</c>.
/// Frames are weighted, never dropped; a frame with streaked stars or a doubtful registration weighs next to nothing.
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
    public int AlgoVersion => 5;
    /// <inheritdoc />
    public IReadOnlyList<ConfigKey> ConfigKeys { get; } = new ConfigKey[]
    {
        Keys.Method, Keys.WeightBackground, Keys.WeightNoise, Keys.WeightGradient, Keys.Clamp, Keys.AdaptiveWeights, Keys.WeightExponentScale,
    };
    /// <inheritdoc />
    public IReadOnlyList<PhaseId> Reads { get; } = new[] { PhaseId.Registration, PhaseId.ChannelSplit, PhaseId.Normalization };
    /// <inheritdoc />
    public bool ReadsArtifact(PhaseId upstream, string path) => ImageArtifacts.AllButDrizzle(upstream, path);

    /// <summary>Most reference stars whose fluxes measure a frame's transparency.</summary>
    private const int TransparencyStars = 300;
    /// <inheritdoc />
    public bool ReadsInputFrames => false;

    /// <inheritdoc />
    public void Run(PhaseContext context)
    {
        var channels = context.Read(ArtifactCatalog.Channels);
        var norm = context.Read(ArtifactCatalog.Normalization);
        var registration = context.Read(ArtifactCatalog.Registration);
        var n = channels.Frames.Count;
        var nc = channels.Channels.Count;
        var stars = registration.ReferenceStars.Take(TransparencyStars).Select(s => (s[0], s[1])).ToList();
        var rawNoise = channels.Frames.Select(f => registration.Frames.FirstOrDefault(r => r.Frame == f.Frame)?.NoiseAdu).ToList();
        var measured = PerFrameDriver.Run(context, channels.Frames.Select(f => f.Frame).ToList(), i =>
        {
            using var cube = FitsImage.Open(context.Paths.Resolve(channels.Frames[i].Path));
            var m = new FrameMeasures(new double[nc], new double[nc], new double[nc][]);
            for (var c = 0; c < nc; c++)
            {
                var plane = ImageMetrics.NormalizedPlane(cube, c, norm.Frames[i].Background[c]);
                // The frame's own noise before warping, on the normalized scale; runs registered before it was recorded measure the warped plane.
                m.Noise[c] = rawNoise[i] is { } adu && adu.Length == nc ? adu[c] / norm.Frames[i].Background[c] : ImageMetrics.Noise(plane, 0, 0, plane.Width, plane.Height);
                m.Fluxes[c] = SnrWeighting.StarFluxes(plane, BackgroundModel.Estimate(plane, 32), stars);
                m.Energy[c] = ImageMetrics.SignalGradientEnergy(ImageMetrics.GradientEnergy(plane, 0, 0, plane.Width, plane.Height, step: 2), m.Noise[c]);
            }
            return m;
        });
        var noise = measured.Select(m => m.Noise).ToArray();
        var energy = measured.Select(m => m.Energy).ToArray();
        var fluxes = measured.Select(m => m.Fluxes).ToArray();

        var clamp = context.Config.Get(Keys.Clamp);
        var rule = new GlobalWeightRule(context.Config.Get(Keys.Method) == "snr",
            (context.Config.Get(Keys.WeightBackground), context.Config.Get(Keys.WeightNoise), context.Config.Get(Keys.WeightGradient)),
            context.Config.Get(Keys.AdaptiveWeights), context.Config.Get(Keys.WeightExponentScale), clamp.Low, clamp.High, RelativeFloor);
        var referenceIndex = channels.Frames.FindIndex(f => f.Frame == registration.Reference);
        var (quality, weight, transparency, used) = GlobalWeights.Compute(noise, energy, fluxes, norm.Frames.Select(f => f.Background).ToList(), referenceIndex, rule);

        // Streaked frames and doubtful registrations weigh next to nothing, whatever their noise says.
        var registered = channels.Frames.Select(f => registration.Frames.FirstOrDefault(r => r.Frame == f.Frame)).ToList();
        var (elongation, elongationSpread) = FrameShape.Elongations(registered.Select(r => r?.Ellipticity is { Length: 2 } e ? e : null).ToList());
        var rms = registered.Select(r => r is { RmsPx: > 0 } ? r.RmsPx!.Value : double.NaN).ToList();
        var sessionRms = Median(rms);
        var problems = new string?[n];
        for (var i = 0; i < n; i++)
        {
            problems[i] = FrameShape.Problem(elongation[i], elongationSpread, rms[i], sessionRms);
            if (problems[i] is not { } problem) continue;
            for (var c = 0; c < nc; c++)
            {
                weight[i][c] *= FrameShape.Penalty;
                quality[i][c] = Math.Log(Math.Max(weight[i][c], 1e-12));
            }
            context.Warn("frame_downweighted", $"{channels.Frames[i].Frame}: {problem}; weighted ×{FrameShape.Penalty:0.###}", channels.Frames[i].Frame);
        }

        context.Write(ArtifactCatalog.GlobalMetrics, new GlobalMetricsReport
        {
            Channels = channels.Channels,
            Weights = used,
            Frames = channels.Frames.Select((f, i) => new FrameGlobalMetrics
            {
                Frame = f.Frame,
                Background = norm.Frames[i].Background,
                Noise = noise[i],
                GradientEnergy = energy[i],
                Transparency = transparency[i],
                Quality = quality[i],
                Weight = weight[i],
                Problem = problems[i],
            }).ToList(),
        });
    }

    // One frame's measures: noise, gradient energy and the reference stars' fluxes, per channel.
    private sealed record FrameMeasures(double[] Noise, double[] Energy, double[][] Fluxes);

    private static double Median(IEnumerable<double> values) =>
        values.Where(double.IsFinite).ToList() is { Count: > 0 } finite ? RobustStats.Median(finite) : double.NaN;

}
