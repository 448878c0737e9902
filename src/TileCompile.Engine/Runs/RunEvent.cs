using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TileCompile.Engine.Runs;

/// <summary>
/// One event of a run's log (<c>logs/run_events.jsonl</c>): the common fields typed, everything
/// else available through <see cref="Fields"/>. Field names follow the published runner.
/// </summary>
public sealed class RunEvent
{
    /// <summary>Current event schema version.</summary>
    public const int SchemaVersion = 1;

    internal RunEvent(JsonObject fields, string json)
    {
        Fields = fields;
        Json = json;
        Type = (string?)fields["type"] ?? "";
        RunId = (string?)fields["run_id"] ?? "";
        Sequence = fields["seq"]?.GetValue<long>() ?? 0;
        Attempt = fields["attempt"]?.GetValue<int>() ?? 1;
        var ts = (string?)fields["ts"];
        Timestamp = ts is not null && DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : default;
    }

    /// <summary>Event type: run_start, run_resume, phase_start, phase_progress, frame_processed, phase_end, warning, run_end.</summary>
    public string Type { get; }
    /// <summary>The run id.</summary>
    public string RunId { get; }
    /// <summary>1, 2, 3… per run, never restarting.</summary>
    public long Sequence { get; }
    /// <summary>1 for the first attempt, +1 per resume.</summary>
    public int Attempt { get; }
    /// <summary>When the event was written (UTC).</summary>
    public DateTimeOffset Timestamp { get; }
    /// <summary>All fields, as written.</summary>
    public JsonObject Fields { get; }
    /// <summary>The JSON line (without the newline).</summary>
    public string Json { get; }

    /// <summary>The phase number, for phase events.</summary>
    public int? Phase => Fields["phase"] is JsonValue v && v.TryGetValue<int>(out var p) ? p : null;
    /// <summary>The phase name, for phase events.</summary>
    public string? PhaseName => String("phase_name");
    /// <summary>Status of phase_end / run_end.</summary>
    public string? Status => String("status");
    /// <summary>Warning text, or the error message of a failed phase.</summary>
    public string? Message => String("message") ?? (Fields["error"] as JsonObject)?["message"]?.GetValue<string>();

    /// <summary>A string field, or null.</summary>
    public string? String(string name) => Fields[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>A numeric field, or null.</summary>
    public double? Number(string name) => Fields[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    /// <summary>Parses one log line; null when it is not a complete JSON object (a torn line).</summary>
    public static RunEvent? TryParse(string line)
    {
        if (string.IsNullOrWhiteSpace(line)) return null;
        try
        {
            return JsonNode.Parse(line) is JsonObject o && o["type"] is not null ? new RunEvent(o, line) : null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
