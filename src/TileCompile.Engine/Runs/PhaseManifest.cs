using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Runs;

/// <summary>One file a phase wrote: run-relative path, size and SHA-256.</summary>
public sealed record ArtifactRecord
{
    /// <summary>Run-relative path with forward slashes.</summary>
    [JsonPropertyName("path")] public required string Path { get; init; }
    /// <summary>Size in bytes.</summary>
    [JsonPropertyName("size")] public required long Size { get; init; }
    /// <summary>Lower-case hex SHA-256 of the content.</summary>
    [JsonPropertyName("sha256")] public required string Sha256 { get; init; }
    /// <summary>False for diagnostics (reports, previews) that no later phase reads.</summary>
    [JsonPropertyName("consumed")] public bool Consumed { get; init; } = true;
}

/// <summary>
/// The completion record of a phase, <c>state/phase-NN.json</c>: written last, after every
/// artifact is in place, and the only proof that the phase is complete.
/// </summary>
public sealed record PhaseManifest
{
    /// <summary>Manifest format version.</summary>
    [JsonPropertyName("format")] public int Format { get; init; } = 1;
    /// <summary>Phase number.</summary>
    [JsonPropertyName("phase")] public required int Phase { get; init; }
    /// <summary>Phase name.</summary>
    [JsonPropertyName("phase_name")] public required string PhaseName { get; init; }
    /// <summary>"complete", or "pruned" when intermediates were deleted to save space.</summary>
    [JsonPropertyName("status")] public string Status { get; init; } = "complete";
    /// <summary>Algorithm version of the phase (bumped when its results can change).</summary>
    [JsonPropertyName("algo_version")] public required int AlgoVersion { get; init; }
    /// <summary>Hash of everything the phase's outputs depend on.</summary>
    [JsonPropertyName("fingerprint")] public required string Fingerprint { get; init; }
    /// <summary>The declared configuration keys with the values used.</summary>
    [JsonPropertyName("config")] public required SortedDictionary<string, string> Config { get; init; }
    /// <summary>Output digests of the phases this one read, by phase number.</summary>
    [JsonPropertyName("upstream")] public required SortedDictionary<string, string> Upstream { get; init; }
    /// <summary>Files written.</summary>
    [JsonPropertyName("artifacts")] public required IReadOnlyList<ArtifactRecord> Artifacts { get; init; }
    /// <summary>Digest of the consumed artifacts (what later phases depend on).</summary>
    [JsonPropertyName("output_digest")] public required string OutputDigest { get; init; }
    /// <summary>Attempt that completed the phase.</summary>
    [JsonPropertyName("attempt")] public required int Attempt { get; init; }
    /// <summary>Wall time of the phase, seconds.</summary>
    [JsonPropertyName("duration_s")] public required double DurationSeconds { get; init; }
    /// <summary>Completion time (UTC).</summary>
    [JsonPropertyName("completed")] public required DateTime Completed { get; init; }
    /// <summary>Engine version that wrote it.</summary>
    [JsonPropertyName("engine_version")] public required string EngineVersion { get; init; }
    /// <summary>Free-form facts the phase reports (mode, frame counts…).</summary>
    [JsonPropertyName("facts")] public SortedDictionary<string, string> Facts { get; init; } = new();

    /// <summary>Total bytes of the artifacts.</summary>
    [JsonIgnore] public long TotalBytes => Artifacts.Sum(a => a.Size);

    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Digest over consumed artifacts (path and hash), independent of order.</summary>
    public static string DigestOf(IEnumerable<ArtifactRecord> artifacts)
    {
        var sb = new StringBuilder();
        foreach (var a in artifacts.Where(a => a.Consumed).OrderBy(a => a.Path, StringComparer.Ordinal))
            sb.Append(a.Path).Append(' ').Append(a.Sha256).Append('\n');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()))).ToLowerInvariant();
    }

    /// <summary>Reads a manifest; null when absent, or throws <see cref="InvalidDataException"/> when corrupt.</summary>
    public static PhaseManifest? Load(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<PhaseManifest>(File.ReadAllBytes(path), Json)
                   ?? throw new InvalidDataException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid manifest: {e.Message}", e);
        }
    }

    /// <summary>Writes the manifest atomically (temporary file, flush to disk, rename).</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(this, Json), () => FaultInjection.Kill($"manifest{Phase}:before_rename"));
    }
}
