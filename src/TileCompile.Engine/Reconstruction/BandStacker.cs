using TileCompile.Engine.Fits;
using TileCompile.Engine.Stacking;

namespace TileCompile.Engine.Reconstruction;

/// <summary>One input of a stack: a plane of a FITS file, multiplied by <paramref name="Scale"/> (normalization).</summary>
public sealed record StackSource(string Path, int Plane, float Scale)
{
    /// <summary>
    /// A FITS file whose plane <see cref="Plane"/> holds each pixel's coverage (a drizzled frame's drop overlap): it
    /// multiplies the pixel's weight, and 0 means no data. Null when every pixel counts fully.
    /// </summary>
    public string? CoveragePath { get; init; }
}

/// <summary>Supplies each source's per-pixel weights, one row at a time.</summary>
public interface IWeightProvider
{
    /// <summary>Fills the weights of <paramref name="source"/> for pixel row <paramref name="y"/>.</summary>
    void FillRow(int source, int y, Span<float> row, Span<double> scratch);
}

/// <summary>The same weight for every pixel of a source.</summary>
public sealed class ConstantWeights(IReadOnlyList<double> weights) : IWeightProvider
{
    /// <inheritdoc />
    public void FillRow(int source, int y, Span<float> row, Span<double> scratch) => row.Fill((float)weights[source]);
}

/// <summary>Smooth per-pixel weights from per-tile weights (see <see cref="TileWeightField"/>).</summary>
public sealed class TileWeights(TileWeightField field, IReadOnlyList<double[]> tileWeights) : IWeightProvider
{
    /// <inheritdoc />
    public void FillRow(int source, int y, Span<float> row, Span<double> scratch) => field.FillRow(y, tileWeights[source], row, scratch);
}

/// <summary>
/// How a stack rejects outliers: by iterative sigma clipping of its own samples, or by the acceptance
/// interval per pixel that an earlier stack over all frames decided (a FITS file with a low and a high plane).
/// </summary>
public sealed record Rejection
{
    /// <summary>Sigma clipping of the stack's own samples; null for none.</summary>
    public SigmaClipOptions? Clip { get; init; }
    /// <summary>File with the per-pixel [low, high] planes to keep samples within; used instead of <see cref="Clip"/>.</summary>
    public string? BoundsPath { get; init; }
}

/// <summary>Result of a stack.</summary>
/// <param name="Image">The combined image (NaN where no source has data).</param>
/// <param name="Classic">The unweighted sigma-clipped mean of the same sources, when requested.</param>
/// <param name="RejectionFallbacks">Pixels where too few samples survived rejection.</param>
/// <param name="WeightFallbacks">Pixels whose weights summed to ~0 (plain mean used).</param>
/// <param name="EmptyPixels">Pixels without any data.</param>
/// <param name="Bounds">Per pixel the acceptance interval of the clipping (low plane, then high plane), when requested.</param>
/// <param name="Coverage">Per pixel the sources' summed coverage, when they carry weight planes (drizzle).</param>
/// <param name="WeightTotal">Per pixel the summed weights times coverage (before rejection), when they carry weight planes.</param>
public sealed record StackResult(float[] Image, float[]? Classic, long RejectionFallbacks, long WeightFallbacks, long EmptyPixels, float[]? Bounds = null,
    float[]? Coverage = null, float[]? WeightTotal = null);

/// <summary>
/// Combines many frames pixel by pixel while holding only a band of rows of each in memory:
/// memory grows with the band, not with the number of frames beyond what the budget allows.
/// Results do not depend on the band height or the number of threads.
/// </summary>
public static class BandStacker
{
    /// <summary>Most rows held per band.</summary>
    public const int MaxBandRows = 256;

    /// <summary>Stacks <paramref name="sources"/> (all of the same plane size).</summary>
    public static StackResult Stack(int width, int height, IReadOnlyList<StackSource> sources, IWeightProvider weights, SigmaClipOptions? clip,
        bool classic, long memoryBudgetBytes, ParallelOptions parallel, Action<int, int>? progress = null) =>
        Stack(width, height, sources, weights, new Rejection { Clip = clip }, classic, recordBounds: false, memoryBudgetBytes, parallel, progress);

    /// <summary>Stacks <paramref name="sources"/> with the given rejection; <paramref name="recordBounds"/> keeps the clipping intervals.</summary>
    public static StackResult Stack(int width, int height, IReadOnlyList<StackSource> sources, IWeightProvider weights, Rejection rejection,
        bool classic, bool recordBounds, long memoryBudgetBytes, ParallelOptions parallel, Action<int, int>? progress = null)
    {
        var clip = rejection.Clip;
        var n = sources.Count;
        var plane = (long)width * height;
        var bounds = recordBounds ? new float[2 * plane] : null;
        var given = rejection.BoundsPath is { } boundsPath ? ReadBounds(boundsPath, width, height) : null;
        var covered = sources.Any(x => x.CoveragePath is not null);
        // Bands of a few hundred rows keep the buffers small enough to stay warm in memory and be reused band after
        // band; taller bands only cost fresh memory.
        var rowsPerBand = (int)Math.Clamp(memoryBudgetBytes / Math.Max(1L, (long)n * width * 4 * (covered ? 4 : 2)), 1, Math.Min(height, MaxBandRows));
        var image = new float[(long)width * height];
        var classicImage = classic ? new float[(long)width * height] : null;
        long fallbacks = 0, weightFallbacks = 0, empty = 0;
        var bands = new float[n][];
        for (var i = 0; i < n; i++) bands[i] = new float[(long)rowsPerBand * width];
        var coverBands = new float[]?[n];
        for (var i = 0; i < n; i++) coverBands[i] = sources[i].CoveragePath is null ? null : new float[(long)rowsPerBand * width];
        var coverage = covered ? new float[(long)width * height] : null;
        var weightTotal = covered ? new float[(long)width * height] : null;

        // Without rejection, coverage or a second result, each row is a weighted mean taken source by source.
        var plainMean = clip is null && !covered && given is null && classicImage is null && bounds is null;
        var job = new PixelJob(bands, coverBands, clip, given, image, classicImage, bounds, coverage, weightTotal, plane);
        for (var y0 = 0; y0 < height; y0 += rowsPerBand)
        {
            parallel.CancellationToken.ThrowIfCancellationRequested();
            var rows = Math.Min(rowsPerBand, height - y0);
            var band = y0;
            Parallel.For(0, n, parallel, i => ReadBand(sources[i], band, rows, width, height, bands[i], coverBands[i]));

            Parallel.For(0, rows, parallel,
                () => new Scratch(n, width),
                (r, _, s) =>
                {
                    var y = band + r;
                    for (var i = 0; i < n; i++) weights.FillRow(i, y, s.WeightRows[i], s.Columns);
                    if (plainMean)
                    {
                        WeightedMeanRow(bands, s, r * width, width, image.AsSpan((int)((long)y * width), width));
                        return s;
                    }
                    for (var x = 0; x < width; x++) job.Pixel(s, x, r * width + x, (long)y * width + x);
                    return s;
                },
                s =>
                {
                    Interlocked.Add(ref fallbacks, s.Fallbacks);
                    Interlocked.Add(ref weightFallbacks, s.WeightFallbacks);
                    Interlocked.Add(ref empty, s.Empty);
                });
            progress?.Invoke(Math.Min(height, y0 + rows), height);
        }
        return new StackResult(image, classicImage, fallbacks, weightFallbacks, empty, bounds, coverage, weightTotal);
    }

    // Clipping intervals decided before (low plane, then high plane).
    private static float[] ReadBounds(string path, int width, int height)
    {
        var plane = (long)width * height;
        using var fits = FitsImage.Open(path);
        if (fits.Width != width || fits.Height != height || fits.Planes != 2)
            throw new InvalidDataException($"{path} is {fits.Width}x{fits.Height}x{fits.Planes}, expected {width}x{height}x2 (low and high planes)");
        var given = new float[2 * plane];
        fits.ReadRows(0, 0, height, given.AsSpan(0, (int)plane));
        fits.ReadRows(1, 0, height, given.AsSpan((int)plane, (int)plane));
        return given;
    }

    // One source's rows [band, band + rows) into its band buffer (scaled), and its drizzle coverage when it has one.
    private static void ReadBand(StackSource source, int band, int rows, int width, int height, float[] buffer, float[]? coverBuffer)
    {
        using var fits = FitsImage.Open(source.Path);
        if (fits.Width != width || fits.Height != height)
            throw new InvalidDataException($"{source.Path} is {fits.Width}x{fits.Height}, expected {width}x{height}");
        var span = buffer.AsSpan(0, rows * width);
        fits.ReadRows(source.Plane, band, rows, span);
        var scale = source.Scale;
        if (scale != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(span, scale, span);
        if (source.CoveragePath is { } coveragePath)
        {
            using var cover = FitsImage.Open(coveragePath);
            if (cover.Width != width || cover.Height != height)
                throw new InvalidDataException($"{coveragePath} is {cover.Width}x{cover.Height}, expected {width}x{height}");
            cover.ReadRows(source.Plane, band, rows, coverBuffer.AsSpan(0, rows * width));
        }
    }

    // What every pixel of a stack combines and where its results go.
    private sealed class PixelJob(float[][] bands, float[]?[] coverBands, SigmaClipOptions? clip, float[]? given, float[] image, float[]? classicImage,
        float[]? bounds, float[]? coverage, float[]? weightTotal, long plane)
    {
        // The samples of the pixel in column x, at `offset` in the bands (`pixel` in the image), combined with the row's
        // weights; its outcome counted in `s`.
        public void Pixel(Scratch s, int x, int offset, long pixel)
        {
            var n = bands.Length;
            for (var i = 0; i < n; i++)
            {
                s.Values[i] = bands[i][offset];
                s.Weights[i] = s.WeightRows[i][x];
            }
            if (coverage is not null) Cover(s, offset, pixel);
            float value;
            CombineOutcome outcome;
            if (given is not null)
            {
                (value, outcome) = SigmaClip.CombineWithin(s.Values, s.Weights, s.Keep, given[pixel], given[plane + pixel]);
            }
            else
            {
                float low, high;
                if (classicImage is not null)
                {
                    (value, outcome, low, high, classicImage[pixel]) = SigmaClip.CombineWithClassic(s.Values, s.Weights, s.Keep, clip, s.Sorted);
                }
                else
                {
                    (value, outcome, low, high) = SigmaClip.CombineWithBounds(s.Values, s.Weights, s.Keep, clip, s.Sorted);
                }
                if (bounds is not null)
                {
                    bounds[pixel] = low;
                    bounds[plane + pixel] = high;
                }
            }
            image[pixel] = value;
            switch (outcome)
            {
                case CombineOutcome.RejectionFallback: s.Fallbacks++; break;
                case CombineOutcome.WeightFallback: s.WeightFallbacks++; break;
                case CombineOutcome.Empty: s.Empty++; break;
            }
            if (classicImage is not null && given is not null)
            {
                classicImage[pixel] = SigmaClip.Combine(s.Values, s.Ones, s.Keep, clip, s.Sorted).Value;
            }
        }

        // Drizzled samples weigh by their drop's coverage; no drop, no data, whatever the value plane holds.
        private void Cover(Scratch s, int offset, long pixel)
        {
            float total = 0, weighed = 0;
            for (var i = 0; i < bands.Length; i++)
            {
                if (coverBands[i] is { } cover)
                {
                    var c = cover[offset];
                    if (!(c > 0)) s.Values[i] = float.NaN;
                    else total += c;
                    s.Weights[i] *= c > 0 ? c : 0;
                }
                if (float.IsFinite(s.Values[i])) weighed += s.Weights[i];
            }
            coverage![pixel] = total;
            weightTotal![pixel] = weighed;
        }
    }

    // The weighted mean of one row, the same sums in the same order as SigmaClip's per-pixel mean without clipping
    // (so the result is bit for bit that of the general path), with its fallbacks: samples without weight when no
    // sample has any, NaN when none is finite.
    private static void WeightedMeanRow(float[][] bands, Scratch s, int offset, int width, Span<float> output)
    {
        var row = s.Row(width);
        row.Clear();
        for (var i = 0; i < bands.Length; i++)
        {
            var values = bands[i].AsSpan(offset, width);
            var w = s.WeightRows[i].AsSpan(0, width);
            for (var x = 0; x < width; x++)
            {
                var v = values[x];
                if (!float.IsFinite(v)) continue;
                ref var acc = ref row[x];
                acc.FiniteSum += v;
                acc.Finite++;
                if (!(w[x] > 0)) continue;
                acc.Weight += w[x];
                acc.WeightedSum += w[x] * v;
                acc.KeptSum += v;
                acc.Kept++;
            }
        }
        for (var x = 0; x < width; x++)
        {
            ref readonly var acc = ref row[x];
            if (acc.Kept == 0)
            {
                if (acc.Finite == 0)
                {
                    output[x] = float.NaN;
                    s.Empty++;
                }
                else
                {
                    output[x] = (float)(acc.FiniteSum / acc.Finite);
                    s.WeightFallbacks++;
                }
            }
            else if (acc.Weight < 1e-6)
            {
                output[x] = (float)(acc.KeptSum / acc.Kept);
                s.WeightFallbacks++;
            }
            else
            {
                output[x] = (float)(acc.WeightedSum / acc.Weight);
            }
        }
    }

    private struct MeanSums
    {
        public double Weight, WeightedSum, KeptSum, FiniteSum;
        public int Kept, Finite;
    }

    private sealed class Scratch
    {
        private MeanSums[]? _row;

        public Span<MeanSums> Row(int width) => (_row ??= new MeanSums[width]).AsSpan(0, width);

        public Scratch(int n, int width)
        {
            Values = new float[n];
            Weights = new float[n];
            Ones = new float[n];
            Ones.AsSpan().Fill(1f);
            Keep = new bool[n];
            Sorted = new float[2 * n];
            WeightRows = new float[n][];
            for (var i = 0; i < n; i++) WeightRows[i] = new float[width];
            Columns = new double[4096];
        }

        public float[] Values { get; }
        public float[] Weights { get; }
        public float[] Ones { get; }
        public bool[] Keep { get; }
        public float[] Sorted { get; }
        public float[][] WeightRows { get; }
        public double[] Columns { get; }
        public long Fallbacks;
        public long WeightFallbacks;
        public long Empty;
    }
}
