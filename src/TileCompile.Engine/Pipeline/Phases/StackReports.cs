namespace TileCompile.Engine.Pipeline.Phases;

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
