using TileCompile.Engine.Pipeline.Phases;

namespace TileCompile.Engine.Pipeline;

/// <summary>The engine's phase implementations, 0 to 10.</summary>
public static class StandardPhases
{
    /// <summary>One implementation per phase.</summary>
    public static IReadOnlyList<IPipelinePhase> Create() => new IPipelinePhase[]
    {
        new ScanInputPhase(),
        new NotImplementedPhase(PhaseId.Registration, PhaseId.ScanInput),
        new NotImplementedPhase(PhaseId.ChannelSplit, PhaseId.Registration),
        new NotImplementedPhase(PhaseId.Normalization, PhaseId.ChannelSplit),
        new NotImplementedPhase(PhaseId.GlobalMetrics, PhaseId.Normalization),
        new NotImplementedPhase(PhaseId.TileGrid, PhaseId.Registration),
        new NotImplementedPhase(PhaseId.LocalMetrics, PhaseId.Normalization, PhaseId.GlobalMetrics, PhaseId.TileGrid),
        new NotImplementedPhase(PhaseId.TileReconstruction, PhaseId.Normalization, PhaseId.LocalMetrics),
        new NotImplementedPhase(PhaseId.StateClustering, PhaseId.GlobalMetrics, PhaseId.LocalMetrics),
        new NotImplementedPhase(PhaseId.SyntheticFrames, PhaseId.Normalization, PhaseId.StateClustering),
        new NotImplementedPhase(PhaseId.Stacking, PhaseId.TileReconstruction, PhaseId.SyntheticFrames),
    };

    /// <summary>A runner over the standard phases.</summary>
    public static PipelineRunner Runner() => new(Create());
}
