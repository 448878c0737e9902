namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>artifacts/registration.json: the reference and every frame's transform.</summary>
public sealed record RegistrationReport
{
    /// <summary>File name of the reference frame.</summary>
    public required string Reference { get; init; }
    /// <summary>True for CFA data (matched on 2×2 superpixels, warped per Bayer sub-plane).</summary>
    public bool Cfa { get; init; }
    /// <summary>Bayer pattern of the stored pixels, for CFA data.</summary>
    public string? BayerPattern { get; init; }
    /// <summary>
    /// True when colour frames were debayered at full resolution before warping: the registered frames
    /// are then R, G, B cubes at the frames' size, and channel-plane pixels are frame pixels.
    /// </summary>
    public bool Debayered { get; init; }
    /// <summary>Median star FWHM of each frame in channel-plane pixels.</summary>
    public double SeeingFwhm { get; init; }
    /// <summary>The output grid frames were drizzled onto, when they were; null otherwise.</summary>
    public DrizzleGrid? Drizzle { get; init; }
    /// <summary>Reference stars in channel-plane pixels (x, y, flux), brightest first.</summary>
    public List<double[]> ReferenceStars { get; init; } = new();
    /// <summary>Frames in input order.</summary>
    public required List<RegisteredFrame> Frames { get; init; }
}

/// <summary>One frame's registration.</summary>
public sealed record RegisteredFrame
{
    /// <summary>File name of the input frame.</summary>
    public required string Frame { get; init; }
    /// <summary>ok or excluded.</summary>
    public required string Status { get; init; }
    /// <summary>Why the frame was excluded.</summary>
    public string? Reason { get; init; }
    /// <summary>[a, b, tx, c, d, ty]: reference pixel (x, y) → this frame's pixel, full resolution, 0-based pixel centres.</summary>
    public double[]? Matrix { get; init; }
    /// <summary>RMS residual of matched stars (px).</summary>
    public double? RmsPx { get; init; }
    /// <summary>Matched stars.</summary>
    public int? Inliers { get; init; }
    /// <summary>Detected stars.</summary>
    public int Stars { get; init; }
    /// <summary>Median star FWHM (channel-plane px).</summary>
    public double? FwhmPx { get; init; }
    /// <summary>Registered frame (run-relative), when ok.</summary>
    public string? Output { get; init; }
    /// <summary>What found the transform: reference, stars or phase_correlation.</summary>
    public string? Method { get; init; }
    /// <summary>Whether the transform was then refined by aligning the images themselves (nebulous fields); null when excluded.</summary>
    public bool? ImageAligned { get; init; }
    /// <summary>Pixel noise per channel of the frame as read, before warping (ADU).</summary>
    public double[]? NoiseAdu { get; init; }
    /// <summary>The drizzled frame (run-relative), one value plane per channel, its coverage beside it (<c>.coverage.fit</c>); null when not drizzled.</summary>
    public string? Drizzled { get; init; }
    /// <summary>Mean star ellipticity (e1, e2) of the registered frame at the reference stars; null when not measured.</summary>
    public double[]? Ellipticity { get; init; }
}

/// <summary>The grid frames are drizzled onto.</summary>
public sealed record DrizzleGrid
{
    /// <summary>Output pixels per reference pixel along each axis.</summary>
    public required double Scale { get; init; }
    /// <summary>Drop side as a fraction of an input pixel.</summary>
    public required double Pixfrac { get; init; }
    /// <summary>Output width.</summary>
    public required int Width { get; init; }
    /// <summary>Output height.</summary>
    public required int Height { get; init; }
    /// <summary>Why drizzle was chosen (or, in the channel report, why it was not used after all).</summary>
    public string? Reason { get; init; }
}

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

/// <summary>artifacts/tile_grid.json.</summary>
public sealed record TileGridReport
{
    /// <summary>Robust seeing F (channel-plane px).</summary>
    public required double SeeingFwhm { get; init; }
    /// <summary>Tile edge T.</summary>
    public required int TileSize { get; init; }
    /// <summary>Overlap O.</summary>
    public required int Overlap { get; init; }
    /// <summary>Stride S = T − O.</summary>
    public required int Stride { get; init; }
    /// <summary>Channel-plane width.</summary>
    public required int Width { get; init; }
    /// <summary>Channel-plane height.</summary>
    public required int Height { get; init; }
    /// <summary>Tile left edges (columns of the grid).</summary>
    public required int[] Xs { get; init; }
    /// <summary>Tile top edges (rows of the grid).</summary>
    public required int[] Ys { get; init; }

    /// <summary>The grid as the reconstruction uses it.</summary>
    public Reconstruction.TileGrid Grid() => new(TileSize, Width, Height, Xs, Ys);
}

/// <summary>work/weights.bin (see <see cref="LocalWeightsFile"/>): local metrics and effective weights.</summary>
public sealed record LocalWeights
{
    /// <summary>Channel names.</summary>
    public required List<string> Channels { get; init; }
    /// <summary>Frames in order.</summary>
    public required List<string> Frames { get; init; }
    /// <summary>Per tile: STAR or STRUCTURE.</summary>
    public required List<string> TileTypes { get; init; }
    /// <summary>Q[f][c][t].</summary>
    public required double[][][] Quality { get; init; }
    /// <summary>W[f][c][t] = G_fc · L_ftc.</summary>
    public required double[][][] Weight { get; init; }
}

/// <summary>artifacts/clusters.json.</summary>
public sealed record ClusterReport
{
    /// <summary>Number of clusters.</summary>
    public required int Count { get; init; }
    /// <summary>Cluster of each frame (frame order of channels.json).</summary>
    public required int[] Assignment { get; init; }
    /// <summary>Frame names.</summary>
    public required List<string> Frames { get; init; }
    /// <summary>Standardized state vectors' centroids.</summary>
    public required double[][] Centroids { get; init; }
}

/// <summary>artifacts/synthetic.json.</summary>
public sealed record SyntheticReport
{
    /// <summary>One entry per cluster.</summary>
    public required List<SyntheticFrame> Frames { get; init; }
}

/// <summary>A synthetic frame.</summary>
public sealed record SyntheticFrame
{
    /// <summary>Cluster index.</summary>
    public required int Cluster { get; init; }
    /// <summary>Member frames.</summary>
    public required int Members { get; init; }
    /// <summary>Cube path (run-relative).</summary>
    public required string Path { get; init; }
    /// <summary>Cluster quality Q_k (median clipped global quality).</summary>
    public required double Quality { get; init; }
    /// <summary>Sum of the member frames' global weights (how much data the synthetic frame carries).</summary>
    public double WeightSum { get; init; }
    /// <summary>
    /// Per channel and tile, the sum of the member frames' weights there: where the synthetic frame is
    /// sharp it carries more weight than where it is soft. Null for synthetic frames written without it.
    /// </summary>
    public double[][]? TileWeightSums { get; init; }
}
