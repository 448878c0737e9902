using System.Text.Json;
using System.Text.Json.Serialization;

namespace TileCompile.Engine.Runs;

/// <summary>An input frame as recorded at run start.</summary>
public sealed record InputFrame
{
    /// <summary>Absolute path.</summary>
    [JsonPropertyName("path")] public required string Path { get; init; }
    /// <summary>Size in bytes.</summary>
    [JsonPropertyName("size")] public required long Size { get; init; }
    /// <summary>Last write time (UTC).</summary>
    [JsonPropertyName("last_write")] public required DateTime LastWriteUtc { get; init; }
}

/// <summary>One attempt of a run: the original start or a resume.</summary>
public sealed record LineageEntry
{
    /// <summary>1 for the original run, +1 per resume.</summary>
    [JsonPropertyName("attempt")] public required int Attempt { get; init; }
    /// <summary>The attempt this one continued, or null for the first.</summary>
    [JsonPropertyName("parent_attempt")] public int? ParentAttempt { get; init; }
    /// <summary>When it started (UTC).</summary>
    [JsonPropertyName("started")] public required DateTime Started { get; init; }
    /// <summary>When it ended (UTC), or null while running or after a crash.</summary>
    [JsonPropertyName("ended")] public DateTime? Ended { get; set; }
    /// <summary>start, explicit, auto or force.</summary>
    [JsonPropertyName("mode")] public required string Mode { get; init; }
    /// <summary>First phase that ran.</summary>
    [JsonPropertyName("from_phase")] public int? FromPhase { get; init; }
    /// <summary>Why it started there.</summary>
    [JsonPropertyName("reasons")] public List<string> Reasons { get; init; } = new();
    /// <summary>Status of the run before this attempt.</summary>
    [JsonPropertyName("previous_status")] public string? PreviousStatus { get; init; }
    /// <summary>Machine.</summary>
    [JsonPropertyName("host")] public required string Host { get; init; }
    /// <summary>Engine version.</summary>
    [JsonPropertyName("engine_version")] public required string EngineVersion { get; init; }
    /// <summary>ok, error, cancelled, or null while running / after a crash.</summary>
    [JsonPropertyName("result")] public string? Result { get; set; }
}

/// <summary>A quick summary kept current in run.json so listings need not read every log.</summary>
public sealed record RunSummary
{
    /// <summary>Completed, Failed, Cancelled, Running or Interrupted (as last written).</summary>
    [JsonPropertyName("status")] public string Status { get; set; } = "Running";
    /// <summary>Last (or failed) phase.</summary>
    [JsonPropertyName("phase")] public int? Phase { get; set; }
    /// <summary>Its name.</summary>
    [JsonPropertyName("phase_name")] public string? PhaseName { get; set; }
    /// <summary>Start of the first attempt.</summary>
    [JsonPropertyName("started")] public DateTime Started { get; set; }
    /// <summary>End of the last attempt.</summary>
    [JsonPropertyName("ended")] public DateTime? Ended { get; set; }
    /// <summary>Sum of attempt durations, seconds.</summary>
    [JsonPropertyName("duration_s")] public double DurationSeconds { get; set; }
    /// <summary>Frames used after exclusions.</summary>
    [JsonPropertyName("frames_used")] public int? FramesUsed { get; set; }
    /// <summary>Frames excluded.</summary>
    [JsonPropertyName("frames_excluded")] public int? FramesExcluded { get; set; }
    /// <summary>Validation against the classic clipped mean: passed, failed or not measured (null before STACKING).</summary>
    [JsonPropertyName("validation")] public string? Validation { get; set; }
    /// <summary>The calibration masters used, e.g. "flat 12 frames, darkflat 10 frames" ("none" without; null before REGISTRATION).</summary>
    [JsonPropertyName("calibration")] public string? Calibration { get; set; }
    /// <summary>The target as the frames name it (OBJECT), once phase 0 has read the headers.</summary>
    [JsonPropertyName("object")] public string? Object { get; set; }
    /// <summary>Final image, when produced.</summary>
    [JsonPropertyName("output")] public string? Output { get; set; }
    /// <summary>Completed phases (manifests present).</summary>
    [JsonPropertyName("completed_phases")] public int CompletedPhases { get; set; }
    /// <summary>Bytes of all artifacts.</summary>
    [JsonPropertyName("size_bytes")] public long SizeBytes { get; set; }
    /// <summary>Error message of a failed attempt.</summary>
    [JsonPropertyName("error")] public string? Error { get; set; }
}

/// <summary>The content of <c>run.json</c>: identity, inputs, config hash, lineage and summary.</summary>
public sealed record RunInfo
{
    /// <summary>Run id.</summary>
    [JsonPropertyName("run_id")] public required string RunId { get; init; }
    /// <summary>Creation time (UTC).</summary>
    [JsonPropertyName("created")] public required DateTime Created { get; init; }
    /// <summary>Engine version that created the run.</summary>
    [JsonPropertyName("engine_version")] public required string EngineVersion { get; init; }
    /// <summary>Input folder.</summary>
    [JsonPropertyName("input_dir")] public required string InputDir { get; init; }
    /// <summary>Every input folder in order, when the run stacks several (the first is <see cref="InputDir"/>).</summary>
    [JsonPropertyName("input_dirs")] public List<string>? InputDirs { get; init; }
    /// <summary>File pattern(s).</summary>
    [JsonPropertyName("pattern")] public required string Pattern { get; init; }
    /// <summary>Hash of the frozen config.</summary>
    [JsonPropertyName("config_hash")] public required string ConfigHash { get; init; }
    /// <summary>Input frames.</summary>
    [JsonPropertyName("frames")] public required IReadOnlyList<InputFrame> Frames { get; init; }
    /// <summary>Attempts.</summary>
    [JsonPropertyName("lineage")] public List<LineageEntry> Lineage { get; init; } = new();
    /// <summary>Summary for listings.</summary>
    [JsonPropertyName("summary")] public RunSummary Summary { get; init; } = new();

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Reads run.json; throws <see cref="InvalidDataException"/> when unreadable.</summary>
    public static RunInfo Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<RunInfo>(File.ReadAllBytes(path), Json) ?? throw new InvalidDataException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid: {e.Message}", e);
        }
    }

    /// <summary>Writes run.json atomically.</summary>
    public void Save(string path) => AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(this, Json));
}
