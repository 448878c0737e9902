using System.Diagnostics;

namespace TileCompile.Engine.Contracts;

/// <summary>
/// Named points where the crash tests stop or fail the process (<c>TILECOMPILE_FAULT</c>); nothing happens unless the
/// variable names the point. Here, beside the phase ids, so the run store and the pipeline both reach it.
/// </summary>
internal static class FaultInjection
{
    /// <summary>The point named by <c>TILECOMPILE_FAULT</c>, or null.</summary>
    internal static string? Point => Environment.GetEnvironmentVariable("TILECOMPILE_FAULT");

    /// <summary>Fails like a full disk at a named point when <c>TILECOMPILE_FAULT</c> is "point:disk_full" (tests only).</summary>
    internal static void DiskFull(string point)
    {
        if (Point is { } wanted && string.Equals(wanted, point + ":disk_full", StringComparison.Ordinal))
            throw new IOException("No space left on device");
    }

    /// <summary>Kills the process at a named point when <c>TILECOMPILE_FAULT</c> names it (crash tests only).</summary>
    internal static void Kill(string point)
    {
        if (Point is { } wanted && string.Equals(wanted, point, StringComparison.Ordinal))
        {
            // As abrupt as kill -9: no finally blocks, no flushing.
            using var self = Process.GetCurrentProcess();
            self.Kill();
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
