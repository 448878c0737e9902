using TileCompile.Engine.Pipeline.Phases;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Pipeline;

/// <summary>One artifact a phase writes and others read: who makes it, where it lives, what it holds.</summary>
public interface IArtifact
{
    /// <summary>The phase that writes it.</summary>
    PhaseId Producer { get; }
    /// <summary>Path relative to the run directory.</summary>
    string Path { get; }
    /// <summary>The type it is read as.</summary>
    Type Type { get; }
    /// <summary>The file format.</summary>
    string Format { get; }
    /// <summary>What it holds, in a sentence.</summary>
    string Description { get; }
}

/// <summary>A JSON artifact read as <typeparamref name="T"/>.</summary>
/// <param name="Producer">The phase that writes it.</param>
/// <param name="Path">Path relative to the run directory.</param>
/// <param name="Description">What it holds.</param>
public sealed record Artifact<T>(PhaseId Producer, string Path, string Description) : IArtifact
{
    /// <inheritdoc />
    public Type Type => typeof(T);
    /// <inheritdoc />
    public string Format => "json";
}

/// <summary>
/// Every report phases hand to each other, declared once. Phases read and write them through
/// <see cref="PhaseContext.Read{T}"/> and <see cref="PhaseContext.Write{T}"/>, which refuse a read of a phase the reader
/// does not declare in <see cref="IPipelinePhase.Reads"/> and a write by any phase but the producer.
/// </summary>
public static class ArtifactCatalog
{
    /// <summary>The usable frames and the excluded ones, from their headers.</summary>
    public static readonly Artifact<ScanReport> Scan = new(PhaseId.ScanInput, ScanInputPhase.ScanJson, "usable frames and exclusions, from the headers");
    /// <summary>The reference, every frame's transform and the reference stars.</summary>
    public static readonly Artifact<RegistrationReport> Registration = new(PhaseId.Registration, RegistrationPhase.ReportJson, "reference, transforms, reference stars");
    /// <summary>The channel layout and each frame's channel cube.</summary>
    public static readonly Artifact<ChannelReport> Channels = new(PhaseId.ChannelSplit, ChannelSplitPhase.ReportJson, "channel layout, channel cubes, stack path");
    /// <summary>Each frame's background per channel.</summary>
    public static readonly Artifact<NormalizationReport> Normalization = new(PhaseId.Normalization, NormalizationPhase.ReportJson, "backgrounds per frame and channel");
    /// <summary>Each frame's global metrics and weight.</summary>
    public static readonly Artifact<GlobalMetricsReport> GlobalMetrics = new(PhaseId.GlobalMetrics, GlobalMetricsPhase.ReportJson, "noise, transparency, weights per frame");
    /// <summary>The tile grid.</summary>
    public static readonly Artifact<TileGridReport> TileGrid = new(PhaseId.TileGrid, TileGridPhase.ReportJson, "seeing, tile size, overlap, tile edges");
    /// <summary>The frames' clusters.</summary>
    public static readonly Artifact<ClusterReport> Clusters = new(PhaseId.StateClustering, StateClusteringPhase.ReportJson, "clusters of frame states");
    /// <summary>The synthetic frames.</summary>
    public static readonly Artifact<SyntheticReport> Synthetic = new(PhaseId.SyntheticFrames, SyntheticFramesPhase.ReportJson, "one synthetic frame per cluster");

    /// <summary>All of them, in phase order.</summary>
    public static IReadOnlyList<IArtifact> All { get; } = new IArtifact[] { Scan, Registration, Channels, Normalization, GlobalMetrics, TileGrid, Clusters, Synthetic };
}
