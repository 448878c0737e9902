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
