using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TileCompile.Engine.Config;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Pipeline;

/// <summary>
/// What a running phase sees: its configuration view, the run's inputs and upstream manifests,
/// and the means to write artifacts (recorded for the manifest), report progress and warnings,
/// and record finished frames so a crash loses at most the frames in flight.
/// </summary>
public sealed class PhaseContext
{
    private readonly List<ArtifactRecord> _artifacts = new();
    private readonly object _gate = new();
    private readonly EventLogWriter _log;
    private readonly Action _fence;
    private readonly Func<PhaseId, PhaseManifest?> _manifests;
    private DateTime _lastProgress = DateTime.MinValue;
    private readonly HashSet<PhaseId>? _reads;

    internal PhaseContext(PhaseId phase, RunPaths paths, RunInfo run, ConfigView config, EventLogWriter log, Action fence,
        Func<PhaseId, PhaseManifest?> manifests, FrameRecordStore frames, int parallelism, IReadOnlyList<PhaseId>? reads,
        CancellationToken cancellationToken)
    {
        Phase = phase;
        _reads = reads?.ToHashSet();
        Paths = paths;
        Run = run;
        Config = config;
        _log = log;
        _fence = fence;
        _manifests = manifests;
        Frames = frames;
        CancellationToken = cancellationToken;
        Parallelism = parallelism;
    }

    /// <summary>The phase being run.</summary>
    public PhaseId Phase { get; }
    /// <summary>Run directory layout.</summary>
    public RunPaths Paths { get; }
    /// <summary>The run's identity and inputs.</summary>
    public RunInfo Run { get; }
    /// <summary>The declared configuration keys.</summary>
    public ConfigView Config { get; }
    /// <summary>Per-frame completion records of this phase.</summary>
    public FrameRecordStore Frames { get; }
    /// <summary>Cancelled by Ctrl+C, Stop-TileRun or the cancel request file.</summary>
    public CancellationToken CancellationToken { get; }
    /// <summary>Worker count for parallel loops (results never depend on it).</summary>
    public int Parallelism { get; }
    /// <summary>Per-frame phases redo frames they excluded before and keep the rest (--only-failed-frames).</summary>
    public bool RetryExcludedFrames { get; init; }
    /// <summary>Facts recorded in the manifest (mode, counts…).</summary>
    public SortedDictionary<string, string> Facts { get; } = new(StringComparer.Ordinal);

    /// <summary>Artifacts written so far.</summary>
    public IReadOnlyList<ArtifactRecord> Artifacts
    {
        get { lock (_gate) return _artifacts.ToList(); }
    }

    /// <summary>The manifest of an upstream phase (complete, verified by the planner).</summary>
    public PhaseManifest Upstream(PhaseId phase) =>
        _manifests(phase) ?? throw new InvalidOperationException($"phase {PhaseNames.Of(phase)} has no manifest");

    /// <summary>Parallel options honouring <see cref="Parallelism"/> and cancellation.</summary>
    public ParallelOptions ParallelOptions => new() { MaxDegreeOfParallelism = Parallelism, CancellationToken = CancellationToken };

    /// <summary>
    /// Writes an artifact: <paramref name="write"/> fills a temporary file that is hashed while
    /// written, flushed and renamed over <paramref name="relativePath"/>.
    /// </summary>
    public ArtifactRecord WriteArtifact(string relativePath, Action<Stream> write, bool consumed = true)
    {
        var record = WriteFile(Paths, relativePath, write, consumed, _fence);
        lock (_gate)
        {
            _artifacts.RemoveAll(a => a.Path == record.Path);
            _artifacts.Add(record);
        }
        return record;
    }

    /// <summary>Adds an artifact written earlier (a frame kept from a previous attempt).</summary>
    public void AddExisting(ArtifactRecord record)
    {
        lock (_gate)
        {
            _artifacts.RemoveAll(a => a.Path == record.Path);
            _artifacts.Add(record);
        }
    }

    /// <summary>Writes an object as an indented JSON artifact.</summary>
    public ArtifactRecord WriteJson(string relativePath, object value, bool consumed = true) =>
        WriteArtifact(relativePath, s => JsonSerializer.Serialize(s, value, value.GetType(), JsonFormat), consumed);

    internal static readonly JsonSerializerOptions JsonFormat = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>
    /// Reads a catalogued artifact; a phase may read only what its own phase wrote or a phase it declares in
    /// <see cref="IPipelinePhase.Reads"/> (so every input is part of its fingerprint).
    /// </summary>
    public T Read<T>(Artifact<T> artifact)
    {
        if (artifact.Producer != Phase && _reads is not null && !_reads.Contains(artifact.Producer))
            throw new InvalidOperationException($"phase {PhaseNames.Of(Phase)} read {artifact.Path} of phase {PhaseNames.Of(artifact.Producer)} without declaring that it reads that phase");
        return ReadJson<T>(artifact.Path);
    }

    /// <summary>Writes a catalogued artifact; only its producer may.</summary>
    public ArtifactRecord Write<T>(Artifact<T> artifact, T value, bool consumed = true)
    {
        if (artifact.Producer != Phase)
            throw new InvalidOperationException($"phase {PhaseNames.Of(Phase)} wrote {artifact.Path}, which phase {PhaseNames.Of(artifact.Producer)} produces");
        return WriteJson(artifact.Path, value!, consumed);
    }

    /// <summary>Reads a JSON artifact of an upstream phase.</summary>
    public T ReadJson<T>(string relativePath) =>
        JsonSerializer.Deserialize<T>(File.ReadAllBytes(Paths.Resolve(relativePath)), JsonFormat)
        ?? throw new InvalidDataException($"{relativePath} is empty");

    internal static ArtifactRecord WriteFile(RunPaths paths, string relativePath, Action<Stream> write, bool consumed, Action fence)
    {
        var final = paths.Resolve(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        var temp = AtomicFile.TempName(final);
        try
        {
            string hash;
            long size;
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            using (var hashing = new HashingStream(file))
            {
                write(hashing);
                hashing.Flush();
                file.Flush(flushToDisk: false);
                hash = hashing.HashHex();
                size = hashing.Length;
            }
            fence();
            File.Move(temp, final, overwrite: true);
            return new ArtifactRecord { Path = relativePath, Size = size, Sha256 = hash, Consumed = consumed };
        }
        catch
        {
            AtomicFile.TryDelete(temp);
            throw;
        }
    }

    /// <summary>Reports progress (throttled to a few events per second, always the last one).</summary>
    public void Progress(int current, int total, string? substep = null)
    {
        var now = DateTime.UtcNow;
        if (current < total && now - _lastProgress < TimeSpan.FromMilliseconds(250)) return;
        _lastProgress = now;
        var o = new JsonObject
        {
            ["phase"] = (int)Phase,
            ["phase_name"] = PhaseNames.Of(Phase),
            ["current"] = current,
            ["total"] = total,
            ["progress"] = total == 0 ? 1.0 : Math.Round((double)current / total, 4),
        };
        if (substep is not null) o["substep"] = substep;
        _log.Append("phase_progress", o);
    }

    /// <summary>Records that a frame is done (event <c>frame_processed</c>).</summary>
    public void FrameProcessed(int index, int total, string frameName)
    {
        _log.Append("frame_processed", new JsonObject
        {
            ["phase"] = (int)Phase,
            ["frame_idx"] = index,
            ["total_frames"] = total,
            ["frame_name"] = frameName,
        });
    }

    /// <summary>Writes a <c>warning</c> event.</summary>
    public void Warn(string code, string message, string? frameName = null)
    {
        var o = new JsonObject { ["message"] = message, ["phase"] = (int)Phase, ["code"] = code };
        if (frameName is not null) o["frame_name"] = frameName;
        _log.Append("warning", o);
    }

    /// <summary>Records a fact for the manifest.</summary>
    public void SetFact(string key, object value) =>
        Facts[key] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
