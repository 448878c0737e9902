namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>artifacts/normalization.json.</summary>
public sealed record NormalizationReport
{
    /// <summary>Channel names.</summary>
    public required List<string> Channels { get; init; }
    /// <summary>Per frame: background B_fc per channel (raw units); normalized = raw / B.</summary>
    public required List<FrameBackground> Frames { get; init; }
}

/// <summary>Backgrounds of a frame.</summary>
public sealed record FrameBackground
{
    /// <summary>Input file name.</summary>
    public required string Frame { get; init; }
    /// <summary>B_fc per channel.</summary>
    public required double[] Background { get; init; }
}

/// <summary>artifacts/global_metrics.json.</summary>
public sealed record GlobalMetricsReport
{
    /// <summary>Channel names.</summary>
    public required List<string> Channels { get; init; }
    /// <summary>α, β, γ used.</summary>
    public required double[] Weights { get; init; }
    /// <summary>Per frame metrics.</summary>
    public required List<FrameGlobalMetrics> Frames { get; init; }
}

/// <summary>Global metrics of a frame, per channel.</summary>
public sealed record FrameGlobalMetrics
{
    /// <summary>Input file name.</summary>
    public required string Frame { get; init; }
    /// <summary>Background B (raw).</summary>
    public required double[] Background { get; init; }
    /// <summary>Noise σ of the normalized frame.</summary>
    public required double[] Noise { get; init; }
    /// <summary>Gradient energy E of the normalized frame.</summary>
    public required double[] GradientEnergy { get; init; }
    /// <summary>Star flux relative to the reference frame (median over the reference's stars).</summary>
    public double[]? Transparency { get; init; }
    /// <summary>Quality Q (method snr: the log of the weight).</summary>
    public required double[] Quality { get; init; }
    /// <summary>Global weight: s/σ² (method snr, median 1) or exp(k · clip(Q)), times the penalty of a <see cref="Problem"/>.</summary>
    public required double[] Weight { get; init; }
    /// <summary>Why the frame weighs next to nothing (streaked stars, a doubtful registration); null when it does not.</summary>
    public string? Problem { get; init; }
}
