using System.Globalization;
using TileCompile.Engine.Config;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Pipeline;

/// <summary>
/// How much working memory a run of a given frame size needs, and how many frames can be worked on at once within
/// the limit. Checked before a per-frame phase allocates anything, so that an oversized frame is refused with its
/// size and the limit instead of failing half-way with an overflow or exhausting the machine.
/// </summary>
public static class MemoryPlan
{
    /// <summary>The runtime, the reference frame's star lists and matching images, and caches.</summary>
    public const long BaselineBytes = 256L << 20;

    /// <summary>
    /// Working bytes per frame pixel while one frame is registered, weighted or reconstructed: the raw plane, its
    /// cleaned and matching copies, the debayered and warped colour planes and the drizzle drop (float32 each).
    /// </summary>
    public const long BytesPerPixelPerWorker = 96;

    /// <summary>The memory the process may use when runtime_limits.max_memory is 0: 80 % of what the machine offers.</summary>
    public static long AutomaticLimitBytes() => (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * 0.8);

    /// <summary>Estimated peak bytes with <paramref name="workers"/> frames in flight.</summary>
    public static long Estimate(long width, long height, double drizzleScale, int workers, long tileBudgetBytes)
    {
        var pixels = (double)width * height * Math.Max(1, drizzleScale * drizzleScale);
        return (long)Math.Min(long.MaxValue / 2, BaselineBytes + tileBudgetBytes + workers * pixels * BytesPerPixelPerWorker);
    }

    /// <summary>
    /// The number of workers (at most <paramref name="wanted"/>) whose estimate fits <paramref name="limitBytes"/>;
    /// throws <see cref="TileRunException"/> (<see cref="RunErrorIds.MemoryLimit"/>) when not even one fits.
    /// </summary>
    public static int Workers(long width, long height, double drizzleScale, int wanted, long tileBudgetBytes, long limitBytes)
    {
        for (var w = Math.Max(1, wanted); w >= 1; w--)
            if (Estimate(width, height, drizzleScale, w, tileBudgetBytes) <= limitBytes) return w;
        var need = Estimate(width, height, drizzleScale, 1, tileBudgetBytes);
        var drizzle = drizzleScale > 1 ? string.Create(CultureInfo.InvariantCulture, $", drizzle.scale {drizzleScale}") : "";
        throw new TileRunException(RunErrorIds.MemoryLimit,
            $"frames of {width} x {height} px need about {Gib(need)} of working memory even one at a time, " +
            $"and the limit is {Gib(limitBytes)} (runtime_limits.max_memory{drizzle}): " +
            "raise the limit on a machine with more memory, or bin the frames first");
    }

    /// <summary>The limit in bytes that <paramref name="config"/> sets (0 = automatic).</summary>
    public static long LimitBytes(TileConfig config) =>
        config.Get(ConfigKeys.RuntimeLimits.MaxMemoryMiB) is > 0 and var mib ? (long)mib << 20 : AutomaticLimitBytes();

    private static string Gib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB");
}
