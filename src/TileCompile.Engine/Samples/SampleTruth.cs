using System.Text.Json;
using System.Text.Json.Serialization;

namespace TileCompile.Engine.Samples;

/// <summary>A star of the synthetic sky, in sky (truth) pixel coordinates.</summary>
/// <param name="X">Sky x (px).</param>
/// <param name="Y">Sky y (px).</param>
/// <param name="Flux">Total flux in ADU at transparency 1 (mono response; colour data scale it per channel).</param>
/// <param name="Red">Relative response in red photosites.</param>
/// <param name="Green">Relative response in green photosites.</param>
/// <param name="Blue">Relative response in blue photosites.</param>
public sealed record TruthStar(double X, double Y, double Flux, double Red, double Green, double Blue);

/// <summary>What was done to one generated frame.</summary>
public sealed record TruthFrame
{
    /// <summary>File name (no folder).</summary>
    public required string File { get; init; }
    /// <summary>0-based frame index in time order.</summary>
    public required int Index { get; init; }
    /// <summary>
    /// <c>[a, b, tx, c, d, ty]</c> mapping a sky pixel (x, y) to this frame's pixel
    /// (a·x + b·y + tx, c·x + d·y + ty), 0-based pixel-centre coordinates.
    /// </summary>
    public required double[] Matrix { get; init; }
    /// <summary>Field rotation relative to the sky frame, degrees.</summary>
    public required double RotationDegrees { get; init; }
    /// <summary>Seeing FWHM at the frame centre, px.</summary>
    public required double Fwhm { get; init; }
    /// <summary>Relative FWHM change from the centre to the right edge (negative: sharper on the right).</summary>
    public required double FwhmFieldSlope { get; init; }
    /// <summary>Fraction of star light that reached the sensor.</summary>
    public required double Transparency { get; init; }
    /// <summary>Mean sky background, ADU.</summary>
    public required double Background { get; init; }
    /// <summary>Defect deliberately put in this frame: null, "satellite_trail", "clouds" or "streak".</summary>
    public string? Defect { get; init; }
    /// <summary>Satellite trail end points [x0, y0, x1, y1] in frame pixels, when there is one.</summary>
    public double[]? Trail { get; init; }
    /// <summary>A tracking error's smear [dx, dy] in frame pixels (stars drawn out along it), when there is one.</summary>
    public double[]? Streak { get; init; }
    /// <summary>Cosmic-ray hits as [x, y] frame pixels.</summary>
    public required int[][] CosmicRays { get; init; }

    /// <summary>Maps a sky position to this frame's pixel position.</summary>
    public (double X, double Y) SkyToFrame(double x, double y) =>
        (Matrix[0] * x + Matrix[1] * y + Matrix[2], Matrix[3] * x + Matrix[4] * y + Matrix[5]);

    /// <summary>FWHM at frame pixel column <paramref name="x"/>.</summary>
    public double FwhmAt(double x, int width) => Fwhm * (1 + FwhmFieldSlope * (x - (width - 1) / 2.0) / ((width - 1) / 2.0));
}

/// <summary>The extended object.</summary>
public sealed record TruthGalaxy(double X, double Y, double ScaleLength, double AxisRatio, double AngleDegrees, double PeakAdu);

/// <summary>Diffuse nebulosity in sky coordinates: large clouds whose light is broken into knots and wisps.</summary>
/// <param name="PeakAdu">Brightness scale in ADU.</param>
/// <param name="Clouds">Each cloud as [x, y, sigma, weight] in sky pixels.</param>
/// <param name="Wisps">Each knot or wisp as [x, y, sigma, weight] in sky pixels (sigma 5–20 px).</param>
public sealed record TruthNebula(double PeakAdu, double[][] Clouds, double[][] Wisps);

/// <summary>Ground truth of a generated session, written as <c>truth.json</c> beside the frames.</summary>
public sealed record SampleTruth
{
    /// <summary>Options the session was generated with.</summary>
    public required SampleSkyOptions Options { get; init; }
    /// <summary>Bayer pattern of the frames, or null for mono.</summary>
    public string? BayerPattern { get; init; }
    /// <summary>Stars in sky coordinates.</summary>
    public required IReadOnlyList<TruthStar> Stars { get; init; }
    /// <summary>Frames in time order.</summary>
    public required IReadOnlyList<TruthFrame> Frames { get; init; }
    /// <summary>Hot pixels as [x, y] sensor positions (the same in every frame).</summary>
    public required int[][] HotPixels { get; init; }
    /// <summary>The galaxy, when generated.</summary>
    public TruthGalaxy? Galaxy { get; init; }
    /// <summary>The nebulosity, when generated.</summary>
    public TruthNebula? Nebula { get; init; }

    /// <summary>File name of the truth document.</summary>
    public const string FileName = "truth.json";

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Reads <c>truth.json</c>.</summary>
    public static SampleTruth Load(string path) =>
        JsonSerializer.Deserialize<SampleTruth>(File.ReadAllText(path), Json)
        ?? throw new InvalidDataException($"{path} holds no truth document");

    /// <summary>
    /// Matrix mapping a pixel of frame <paramref name="reference"/> to frame <paramref name="frame"/>,
    /// in the <c>[a, b, tx, c, d, ty]</c> form of <c>registration.json</c>.
    /// </summary>
    public double[] ReferenceToFrame(int reference, int frame)
    {
        var r = Frames[reference].Matrix;
        var f = Frames[frame].Matrix;
        // inverse of r (2x2 + translation)
        var det = r[0] * r[4] - r[1] * r[3];
        var ia = r[4] / det; var ib = -r[1] / det; var ic = -r[3] / det; var id = r[0] / det;
        var itx = -(ia * r[2] + ib * r[5]);
        var ity = -(ic * r[2] + id * r[5]);
        return new[]
        {
            f[0] * ia + f[1] * ic, f[0] * ib + f[1] * id, f[0] * itx + f[1] * ity + f[2],
            f[3] * ia + f[4] * ic, f[3] * ib + f[4] * id, f[3] * itx + f[4] * ity + f[5],
        };
    }

    /// <summary>
    /// Each hot sensor pixel's position in every frame, carried onto frame <paramref name="reference"/>'s grid less a
    /// crop of (<paramref name="cropX"/>, <paramref name="cropY"/>): where a surviving hot pixel leaves its track in a
    /// stack on that grid.
    /// </summary>
    public List<IReadOnlyList<(double X, double Y)>> HotPixelTracks(int reference, double cropX, double cropY)
    {
        var toReference = Frames.Select(f => Registration.AffineTransform.FromArray(ReferenceToFrame(reference, f.Index)).Inverse()).ToList();
        return HotPixels.Select(hp => (IReadOnlyList<(double X, double Y)>)toReference.Select(m => m.Apply(hp[0], hp[1])).Select(p => (p.X - cropX, p.Y - cropY)).ToList()).ToList();
    }

    /// <summary>
    /// Where a hot-pixel census on the same grid keeps off: every star, out to <see cref="Metrics.DefectTracks.GuardRadius"/>
    /// of its flux, and the galaxy's cusped core, which stands above any ring around it as a star does.
    /// </summary>
    public List<(double X, double Y, double R)> CensusGuards(int reference, double cropX, double cropY)
    {
        var frame = Frames[reference];
        return Stars.Select(s => (P: frame.SkyToFrame(s.X, s.Y), R: Metrics.DefectTracks.GuardRadius(s.Flux)))
            .Concat(Galaxy is { } g ? new[] { (P: frame.SkyToFrame(g.X, g.Y), R: Math.Max(8, g.ScaleLength / 2)) } : [])
            .Select(p => (p.P.X - cropX, p.P.Y - cropY, p.R)).ToList();
    }
}
