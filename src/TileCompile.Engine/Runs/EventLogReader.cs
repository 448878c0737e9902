using System.Runtime.CompilerServices;
using System.Text;

namespace TileCompile.Engine.Runs;

/// <summary>Reads a run's event log, skipping torn or unparsable lines instead of failing.</summary>
public static class EventLogReader
{
    /// <summary>All complete events in file order; an absent log reads as empty.</summary>
    public static IReadOnlyList<RunEvent> ReadAll(string path)
    {
        var list = new List<RunEvent>();
        if (!File.Exists(path)) return list;
        foreach (var line in LineSplitter.ReadFile(path))
        {
            if (RunEvent.TryParse(line) is { } e) list.Add(e);
        }
        return list;
    }

    /// <summary>
    /// Follows a run's log until the run is over: it ended and its process let go of the lock, or no live process
    /// has held the lock for three polls in a row (the run died without a last event, or is not running at all).
    /// </summary>
    public static IAsyncEnumerable<RunEvent> FollowRun(RunPaths paths, int pollMilliseconds = 200, CancellationToken cancellationToken = default)
    {
        var idlePolls = 0;
        return Follow(paths.Events, last =>
        {
            if (RunLock.IsHeldByLiveProcess(paths.Lock))
            {
                idlePolls = 0;
                return false;
            }
            return last?.Type == "run_end" || ++idlePolls >= 3;
        }, pollMilliseconds, cancellationToken);
    }

    /// <summary>
    /// Streams events as they are appended: first the existing ones, then new complete lines
    /// until <paramref name="stop"/> says so or the token is cancelled. Incomplete last lines are
    /// held back until their newline arrives.
    /// </summary>
    public static async IAsyncEnumerable<RunEvent> Follow(string path, Func<RunEvent?, bool> stop, int pollMilliseconds = 200,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long position = 0;
        var splitter = new LineSplitter();
        var lines = new List<string>();
        var buffer = new byte[1 << 16];
        RunEvent? last = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (File.Exists(path))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                stream.Seek(position, SeekOrigin.Begin);
                int read;
                // Read in bounded chunks: what has arrived may be large, a line is never held beyond the limit.
                while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    position += read;
                    lines.Clear();
                    splitter.Feed(buffer.AsSpan(0, read), lines);
                    foreach (var line in lines)
                    {
                        if (RunEvent.TryParse(line) is { } e)
                        {
                            last = e;
                            yield return e;
                        }
                    }
                }
            }
            if (stop(last)) yield break;
            try
            {
                await Task.Delay(pollMilliseconds, cancellationToken).ConfigureAwait(false);
            }
            catch (TaskCanceledException)
            {
                yield break;
            }
        }
    }
}
