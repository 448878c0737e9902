using TileCompile.Engine.Reconstruction;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>
/// What the stacking phases (7, 9, 10) combine: the channel cubes, or the drizzled frames on their larger grid
/// with each sample weighted by its coverage. One place decides, so the three phases cannot disagree.
/// </summary>
internal static class StackPlanes
{
    /// <summary>Size of the planes the stacking phases combine.</summary>
    public static (int Width, int Height) StackSize(this ChannelReport channels) =>
        channels.Drizzle is { } d ? (d.Width, d.Height) : (channels.Width, channels.Height);

    /// <summary>Channel <paramref name="channel"/> of frame <paramref name="frame"/> as a stack input, times <paramref name="scale"/>.</summary>
    public static StackSource Source(this ChannelReport channels, PhaseContext context, int frame, int channel, float scale)
    {
        var f = channels.Frames[frame];
        if (channels.Drizzle is null || f.Drizzled is not { } drizzled) return new StackSource(context.Paths.Resolve(f.Path), channel, scale);
        return new StackSource(context.Paths.Resolve(drizzled), channel, scale) { CoveragePath = context.Paths.Resolve(CoveragePath(drizzled)) };
    }

    /// <summary>The coverage planes that go with a drizzled frame's value planes.</summary>
    public static string CoveragePath(string drizzled) => Path.ChangeExtension(drizzled, null) + ".coverage.fit";

    /// <summary>The tile grid on the stacking planes: the metrics' grid, scaled to the drizzle grid when there is one.</summary>
    public static TileGridReport StackGrid(this ChannelReport channels, TileGridReport grid)
    {
        if (channels.Drizzle is not { } d) return grid;
        // Relative to the channel planes, which are half resolution for CFA frames kept on sub-plane grids.
        var s = (double)d.Width / channels.Width;
        int Scaled(int v) => (int)Math.Round(v * s);
        return grid with
        {
            SeeingFwhm = grid.SeeingFwhm * s,
            TileSize = Scaled(grid.TileSize),
            Overlap = Scaled(grid.Overlap),
            Stride = Scaled(grid.TileSize) - Scaled(grid.Overlap),
            Width = d.Width,
            Height = d.Height,
            Xs = grid.Xs.Select(Scaled).ToArray(),
            Ys = grid.Ys.Select(Scaled).ToArray(),
        };
    }
}
