using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TileCompile.Engine.Runs;

namespace TileCompile.Engine.Pipeline;

/// <summary>One finished frame of a per-frame phase.</summary>
public sealed record FrameRecord
{
    /// <summary>Frame index.</summary>
    [JsonPropertyName("frame")] public required int Frame { get; init; }
    /// <summary>Fingerprint of the phase when the frame was done.</summary>
    [JsonPropertyName("fp")] public required string Fingerprint { get; init; }
    /// <summary>Artifacts the frame produced.</summary>
    [JsonPropertyName("artifacts")] public required IReadOnlyList<ArtifactRecord> Artifacts { get; init; }
    /// <summary>Small per-frame results (status, numbers) as JSON text.</summary>
    [JsonPropertyName("result")] public string? Result { get; init; }
}

/// <summary>
/// <c>state/phase-NN.frames.jsonl</c>: finished frames of a per-frame phase, appended as each
/// frame's artifacts are in place, so a resume redoes only the frames that were in flight.
/// </summary>
public sealed class FrameRecordStore
{
    private readonly string _path;
    private readonly string _fingerprint;
    private readonly Dictionary<int, FrameRecord> _valid = new();
    private readonly object _gate = new();
    private readonly RunPaths _paths;

    internal FrameRecordStore(string path, string fingerprint, RunPaths paths, bool acceptOtherFingerprints = false)
    {
        _path = path;
        _fingerprint = fingerprint;
        _paths = paths;
        if (!File.Exists(path)) return;
        foreach (var line in Runs.LineSplitter.ReadFile(path))
        {
            try
            {
                if (JsonSerializer.Deserialize<FrameRecord>(line) is { } r && (acceptOtherFingerprints || r.Fingerprint == fingerprint) && Verified(r))
                    _valid[r.Frame] = r;
            }
            catch (JsonException)
            {
                // A torn last line: that frame is simply redone.
            }
        }
    }

    /// <summary>Frames kept from earlier attempts.</summary>
    public int KeptCount => _valid.Count;

    /// <summary>The record of a finished frame whose artifacts are still intact, or null.</summary>
    public FrameRecord? Completed(int frame)
    {
        lock (_gate) return _valid.GetValueOrDefault(frame);
    }

    /// <summary>Appends the record of a finished frame.</summary>
    public void Record(int frame, IReadOnlyList<ArtifactRecord> artifacts, string? result = null)
    {
        var record = new FrameRecord { Frame = frame, Fingerprint = _fingerprint, Artifacts = artifacts, Result = result };
        var line = JsonSerializer.Serialize(record) + "\n";
        lock (_gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            using (var s = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read))
            {
                s.Write(Encoding.UTF8.GetBytes(line));
            }
            _valid[frame] = record;
        }
    }

    /// <summary>Drops every record (before a forced or explicit re-run of the phase).</summary>
    internal void Clear()
    {
        lock (_gate)
        {
            _valid.Clear();
            AtomicFile.TryDelete(_path);
        }
    }

    private bool Verified(FrameRecord r) =>
        r.Artifacts.All(a => new FileInfo(_paths.Resolve(a.Path)) is { Exists: true } f && f.Length == a.Size);
}
