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
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            if (RunEvent.TryParse(line) is { } e) list.Add(e);
        }
        return list;
    }

    /// <summary>
    /// Streams events as they are appended: first the existing ones, then new complete lines
    /// until <paramref name="stop"/> says so or the token is cancelled. Incomplete last lines are
    /// held back until their newline arrives.
    /// </summary>
    public static async IAsyncEnumerable<RunEvent> Follow(string path, Func<RunEvent?, bool> stop,
        [EnumeratorCancellation] CancellationToken cancellationToken = default, int pollMilliseconds = 200)
    {
        long position = 0;
        var pending = new StringBuilder();
        RunEvent? last = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (File.Exists(path))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                if (stream.Length > position)
                {
                    stream.Seek(position, SeekOrigin.Begin);
                    var buffer = new byte[stream.Length - position];
                    var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                    position += read;
                    pending.Append(Encoding.UTF8.GetString(buffer, 0, read));
                    var text = pending.ToString();
                    var end = text.LastIndexOf('\n');
                    if (end >= 0)
                    {
                        pending.Clear().Append(text[(end + 1)..]);
                        foreach (var line in text[..end].Split('\n'))
                        {
                            if (RunEvent.TryParse(line) is { } e)
                            {
                                last = e;
                                yield return e;
                            }
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
