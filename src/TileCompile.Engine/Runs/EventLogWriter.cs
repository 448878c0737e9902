using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace TileCompile.Engine.Runs;

/// <summary>
/// Appends events to a run's log: one JSON object per line, flushed after every event and
/// flushed to disk at phase boundaries. Opening a log whose last line was torn by a crash
/// starts a fresh line and continues the sequence from the last complete event.
/// </summary>
public sealed class EventLogWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _runId;
    private readonly object _gate = new();

    private EventLogWriter(FileStream stream, string runId, int attempt, long lastSeq)
    {
        _stream = stream;
        _runId = runId;
        Attempt = attempt;
        LastSequence = lastSeq;
    }

    /// <summary>The attempt number written into every event.</summary>
    public int Attempt { get; }

    /// <summary>Sequence number of the last event written (or found).</summary>
    public long LastSequence { get; private set; }

    /// <summary>Byte offset of a torn line that was repaired when opening, or null.</summary>
    public long? RepairedTornLineAt { get; private set; }

    /// <summary>Called with every event written (on the writing thread).</summary>
    public event Action<RunEvent>? EventWritten;

    /// <summary>Opens (or creates) the log for appending.</summary>
    public static EventLogWriter Open(string path, string runId, int attempt)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var last = 0L;
        long? torn = null;
        if (File.Exists(path))
        {
            foreach (var e in EventLogReader.ReadAll(path)) last = Math.Max(last, e.Sequence);
            var length = new FileInfo(path).Length;
            if (length > 0)
            {
                using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                probe.Seek(-1, SeekOrigin.End);
                if (probe.ReadByte() != '\n') torn = length;
            }
        }
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.None);
        var writer = new EventLogWriter(stream, runId, attempt, last);
        if (torn is { } offset)
        {
            // Keep the torn bytes for forensics; the next event starts on its own line.
            stream.WriteByte((byte)'\n');
            stream.Flush();
            writer.RepairedTornLineAt = offset;
        }
        return writer;
    }

    /// <summary>Appends an event of <paramref name="type"/> with extra fields; returns it.</summary>
    public RunEvent Append(string type, JsonObject? extra = null)
    {
        RunEvent written;
        lock (_gate)
        {
            var o = new JsonObject
            {
                ["type"] = type,
                ["run_id"] = _runId,
                ["ts"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["seq"] = LastSequence + 1,
                ["attempt"] = Attempt,
                ["schema"] = RunEvent.SchemaVersion,
            };
            if (extra is not null)
            {
                foreach (var (key, value) in extra.ToList())
                {
                    extra.Remove(key);
                    o[key] = value;
                }
            }
            var json = o.ToJsonString();
            var bytes = Encoding.UTF8.GetBytes(json + "\n");
            _stream.Write(bytes);
            _stream.Flush();
            LastSequence++;
            // Observers get exactly what readers of the file will see.
            written = RunEvent.TryParse(json)!;
        }
        EventWritten?.Invoke(written);
        return written;
    }

    /// <summary>Forces the log to disk (phase boundaries).</summary>
    public void Sync()
    {
        lock (_gate) _stream.Flush(flushToDisk: true);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
        }
    }
}
