using TileCompile.Engine.Imaging;
using TileCompile.Engine.Reconstruction;

namespace TileCompile.Engine.Metrics;

/// <summary>A stacked image as written: its planes one after another.</summary>
/// <param name="Data">Planes × height × width values.</param>
/// <param name="Width">Width.</param>
/// <param name="Height">Height.</param>
/// <param name="Planes">1 for mono, 3 for an RGB cube.</param>
public sealed record StackImage(float[] Data, int Width, int Height, int Planes)
{
    /// <summary>Each plane as an array of its own.</summary>
    public List<float[]> PlaneList() => Enumerable.Range(0, Planes).Select(p => Data.AsSpan(p * Width * Height, Width * Height).ToArray()).ToList();
}

/// <summary>
/// What validation measures on the classic stack: its figures, the photometry stars chosen on it, its pixel noise and
/// seam steps, under a hash of its images and the engine version, so that an unchanged classic stack is not measured
/// again.
/// </summary>
/// <param name="Key">Hash of the classic output, its luminance plane, the engine version and this record's format.</param>
/// <param name="Figures">The classic stack's quality figures.</param>
/// <param name="Stars">Photometry stars chosen on it, [x, y].</param>
/// <param name="Noise">Pixel noise of its luminance plane.</param>
/// <param name="SeamRatio">Steps across tile boundaries over steps elsewhere, on its luminance plane.</param>
public sealed record ClassicMeasures(string Key, QualityFigures Figures, List<double[]> Stars, double Noise, double SeamRatio)
{
    /// <summary>The photometry stars as positions.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public List<(double X, double Y)> PhotometryStars => Stars.Select(p => (p[0], p[1])).ToList();

    /// <summary>The key of a classic stack's measures.</summary>
    public static string KeyOf(StackImage output, float[] luminance)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        // The memo's own format is part of the key: a memo without a figure measured now is measured again.
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{EngineInfo.Version}|memo 2|{output.Width}x{output.Height}x{output.Planes}|"));
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(output.Data.AsSpan()));
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(luminance.AsSpan()));
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>Measures the classic stack <paramref name="output"/> (its <paramref name="luminance"/> on the stack grid).</summary>
    public static ClassicMeasures Measure(string key, StackImage output, ImagePlane luminance, TileGrid grid)
    {
        var field = StackQuality.Analyse(output.PlaneList(), output.Width, output.Height);
        var stars = StackQuality.PhotometryStars(field);
        var figures = StackQuality.Measure(field, stars);
        return new ClassicMeasures(key, figures, stars.Select(p => new[] { p.X, p.Y }).ToList(),
            ImageMetrics.Noise(luminance, 0, 0, luminance.Width, luminance.Height), SeamDiagnostics.Measure(luminance, grid).Ratio);
    }
}

/// <summary>The result against the classic clipped mean of the same frames, each measured the same way.</summary>
/// <param name="Result">The result's figures, on the classic stack's photometry stars.</param>
/// <param name="Classic">The classic stack's measures.</param>
/// <param name="NoiseRatio">The result's pixel noise over the classic stack's.</param>
/// <param name="SeamRatio">The result's steps across tile boundaries over its steps elsewhere.</param>
public sealed record ValidationFigures(QualityFigures Result, ClassicMeasures Classic, double NoiseRatio, double SeamRatio);

/// <summary>Honest validation: the result measured beside the classic clipped mean, on the output images.</summary>
public static class ResultValidation
{
    /// <summary>
    /// Measures <paramref name="result"/> (the output planes) and, unless <paramref name="memo"/> already holds them,
    /// the classic stack, side by side; <paramref name="resultLuminance"/> and <paramref name="classicLuminance"/> are
    /// the stacks' luminance planes on the stack grid, for pixel noise and seams.
    /// </summary>
    public static ValidationFigures Measure(IReadOnlyList<float[]> result, StackImage classic, ImagePlane resultLuminance, ImagePlane classicLuminance,
        TileGrid grid, ClassicMeasures? memo, string key, ParallelOptions parallel)
    {
        StackField ours = null!;
        QualityFigures q = null!;
        double noise = 0;
        (double Boundary, double Interior, double Ratio) seams = default;
        var measures = memo;
        // Every figure is measured on its own image, so they are taken side by side.
        Parallel.Invoke(parallel,
            () =>
            {
                ours = StackQuality.Analyse(result, classic.Width, classic.Height);
                if (memo is not null) q = StackQuality.Measure(ours, memo.PhotometryStars);
            },
            () =>
            {
                noise = ImageMetrics.Noise(resultLuminance, 0, 0, resultLuminance.Width, resultLuminance.Height);
                seams = SeamDiagnostics.Measure(resultLuminance, grid);
            },
            () => measures ??= ClassicMeasures.Measure(key, classic, classicLuminance, grid));
        if (memo is null) q = StackQuality.Measure(ours, measures!.PhotometryStars);
        return new ValidationFigures(q, measures!, noise / measures!.Noise, seams.Ratio);
    }
}
