namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>artifacts/channels.json: channel layout and the per-frame channel cubes.</summary>
public sealed record ChannelReport
{
    /// <summary>Channel names: L for mono, R, G, B for colour.</summary>
    public required List<string> Channels { get; init; }
    /// <summary>Channel-plane width.</summary>
    public int Width { get; init; }
    /// <summary>Channel-plane height.</summary>
    public int Height { get; init; }
    /// <summary>Full-resolution width of the frames.</summary>
    public int FullWidth { get; init; }
    /// <summary>Full-resolution height of the frames.</summary>
    public int FullHeight { get; init; }
    /// <summary>Bayer pattern of CFA input, else null.</summary>
    public string? BayerPattern { get; init; }
    /// <summary>True when the colour planes are full resolution (debayered before warping), false when CFA planes are half resolution.</summary>
    public bool Debayered { get; init; }
    /// <summary>
    /// When set, phases 7–10 stack the drizzled frames (<see cref="ChannelFrame.Drizzled"/>) on this grid, each sample
    /// weighted by its drop coverage; the channel cubes still serve the metrics.
    /// </summary>
    public DrizzleGrid? Drizzle { get; init; }
    /// <summary>How the stacking phases combine frames: drizzle, or the channel cubes; and why.</summary>
    public string? StackPath { get; init; }
    /// <summary>Frames (file names) with their channel cubes (run-relative), in order.</summary>
    public required List<ChannelFrame> Frames { get; init; }
}

/// <summary>A frame's channel cube.</summary>
public sealed record ChannelFrame
{
    /// <summary>Input file name.</summary>
    public required string Frame { get; init; }
    /// <summary>Run-relative path of the cube (one plane per channel).</summary>
    public required string Path { get; init; }
    /// <summary>Run-relative path of the drizzled frame (value planes, then weight planes) when the stack drizzles.</summary>
    public string? Drizzled { get; init; }
}
