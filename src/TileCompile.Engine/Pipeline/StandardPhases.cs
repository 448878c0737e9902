using TileCompile.Engine.Pipeline.Phases;

namespace TileCompile.Engine.Pipeline;

/// <summary>The engine's phase implementations, 0 to 10.</summary>
public static class StandardPhases
{
    /// <summary>One implementation per phase.</summary>
    public static IReadOnlyList<IPipelinePhase> Create() => new IPipelinePhase[]
    {
        new ScanInputPhase(),
        new RegistrationPhase(),
        new ChannelSplitPhase(),
        new NormalizationPhase(),
        new GlobalMetricsPhase(),
        new TileGridPhase(),
        new LocalMetricsPhase(),
        new TileReconstructionPhase(),
        new StateClusteringPhase(),
        new SyntheticFramesPhase(),
        new StackingPhase(),
    };


    /// <summary>A runner over the standard phases.</summary>
    public static PipelineRunner Runner() => new(Create());
}
