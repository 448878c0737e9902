using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>
/// Phase 3: per frame and channel the background <c>B = median</c>; later phases use
/// <c>I = raw / B</c> (background → 1). Writes <c>artifacts/normalization.json</c>.
/// </summary>
public sealed class NormalizationPhase : IPipelinePhase
{
    /// <summary>Artifact path.</summary>
    public const string ReportJson = "artifacts/normalization.json";

    /// <inheritdoc />
    public PhaseId Id => PhaseId.Normalization;
    /// <inheritdoc />
    public int AlgoVersion => 1;
    /// <inheritdoc />
    public IReadOnlyList<ConfigKey> ConfigKeys { get; } = new ConfigKey[] { Config.ConfigKeys.Normalization.Enabled };
    /// <inheritdoc />
    public IReadOnlyList<PhaseId> Reads { get; } = new[] { PhaseId.Registration, PhaseId.ChannelSplit };
    /// <inheritdoc />
    public bool ReadsArtifact(PhaseId upstream, string path) => ImageArtifacts.AllButDrizzle(upstream, path);
    /// <inheritdoc />
    public bool ReadsInputFrames => false;

    /// <inheritdoc />
    public void Run(PhaseContext context)
    {
        var channels = context.Read(ArtifactCatalog.Channels);
        var backgrounds = PerFrameDriver.Run(context, channels.Frames.Select(f => f.Frame).ToList(), i =>
        {
            using var cube = FitsImage.Open(context.Paths.Resolve(channels.Frames[i].Path));
            var background = new double[channels.Channels.Count];
            for (var c = 0; c < channels.Channels.Count; c++)
            {
                var b = RobustStats.SampledMedian(cube.ReadPlane(c));
                if (!double.IsFinite(b) || b <= 0)
                    throw new InvalidDataException($"{channels.Frames[i].Frame}: channel {channels.Channels[c]} has no positive background (median {b}); frames must be linear, not background-subtracted to zero");
                background[c] = Math.Max(b, 1e-6);
            }
            return background;
        });
        context.Write(ArtifactCatalog.Normalization, new NormalizationReport
        {
            Channels = channels.Channels,
            Frames = channels.Frames.Select((f, i) => new FrameBackground { Frame = f.Frame, Background = backgrounds[i] }).ToList(),
        });
    }
}
