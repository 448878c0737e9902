using TileCompile.Engine.Config;
using TileCompile.Engine.Contracts;
using Keys = TileCompile.Engine.Config.ConfigKeys.Tile;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>
/// Phase 5: a seeing-adaptive tile grid, <c>T = floor(clip(s·F, T_min, floor(min(W,H)/D)))</c>,
/// overlap <c>O = floor(o·T)</c>, stride <c>S = T − O</c>; edge tiles are shifted inward.
/// </summary>
public sealed class TileGridPhase : IPipelinePhase
{
    /// <summary>Artifact path.</summary>
    public const string ReportJson = "artifacts/tile_grid.json";

    /// <inheritdoc />
    public PhaseId Id => PhaseId.TileGrid;
    /// <inheritdoc />
    public int AlgoVersion => 1;
    /// <inheritdoc />
    public IReadOnlyList<ConfigKey> ConfigKeys { get; } = new ConfigKey[] { Keys.SizeFactor, Keys.MinSize, Keys.MaxDivisor, Keys.OverlapFraction };
    /// <inheritdoc />
    public IReadOnlyList<PhaseId> Reads { get; } = new[] { PhaseId.Registration, PhaseId.ChannelSplit };
    /// <inheritdoc />
    public bool ReadsArtifact(PhaseId upstream, string path) => ImageArtifacts.AllButDrizzle(upstream, path);
    /// <inheritdoc />
    public bool ReadsInputFrames => false;

    /// <inheritdoc />
    public void Run(PhaseContext context)
    {
        var registration = context.Read(ArtifactCatalog.Registration);
        var channels = context.Read(ArtifactCatalog.Channels);
        var seeing = registration.SeeingFwhm is > 0 and var f && double.IsFinite(f) ? f : 3.0;
        context.Write(ArtifactCatalog.TileGrid, Compute(seeing, channels.Width, channels.Height, context.Config.Get(Keys.SizeFactor),
            context.Config.Get(Keys.MinSize), context.Config.Get(Keys.MaxDivisor), context.Config.Get(Keys.OverlapFraction)));
    }

    /// <summary>The grid for a plane of <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static TileGridReport Compute(double seeing, int width, int height, double sizeFactor, int minSize, int maxDivisor, double overlapFraction)
    {
        var upper = Math.Max(16, Math.Min(width, height) / maxDivisor);
        var size = (int)Math.Floor(upper >= minSize ? Math.Clamp(sizeFactor * seeing, minSize, upper) : upper);
        size = Math.Min(size, Math.Min(width, height));
        var overlap = (int)Math.Floor(Math.Clamp(overlapFraction, 0, 0.5) * size);
        var stride = size - overlap;
        if (stride <= 0)
        {
            overlap = (int)Math.Floor(0.25 * size);
            stride = size - overlap;
        }
        return new TileGridReport
        {
            SeeingFwhm = seeing,
            TileSize = size,
            Overlap = overlap,
            Stride = stride,
            Width = width,
            Height = height,
            Xs = Starts(width, size, stride),
            Ys = Starts(height, size, stride),
        };
    }

    private static int[] Starts(int length, int size, int stride)
    {
        var list = new List<int>();
        for (var s = 0; s + size < length; s += stride) list.Add(s);
        var last = Math.Max(0, length - size);
        if (list.Count == 0 || list[^1] != last) list.Add(last);
        return list.ToArray();
    }
}
