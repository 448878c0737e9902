using System.Globalization;
using System.Text.Json.Nodes;
using TileCompile.Engine.Runs;

namespace TileCompile.Engine.FrontEnd;

/// <summary>
/// The words both front ends say of an event: the CLI prints them after its own prefix (run id, phase number),
/// the cmdlets put them in the event object's <c>Message</c>. One wording, so a user reads the same in either.
/// </summary>
public static class EventDescriptions
{
    /// <summary>A line for people about <paramref name="e"/>; null when the event tells them nothing (a phase starting).</summary>
    public static string? Describe(RunEvent e) => e.Type switch
    {
        "run_start" => $"{e.Number("frames")} frames from {InputFolders(e)}",
        "run_resume" => $"attempt {e.Attempt}, {e.String("mode")} resume of a {e.String("previous_status")} run",
        "phase_end" when e.Status == "skipped" => $"skipped ({e.String("reason")})",
        "phase_end" when e.Status == "ok" => string.Create(CultureInfo.InvariantCulture, $"ok ({e.Number("duration_s"):0.0} s)"),
        "phase_end" => $"{e.Status}: {e.Message}",
        "warning" => e.Message,
        "frame_processed" => e.String("frame_name"),
        "run_end" => e.String("error") ?? e.String("output"),
        _ => null,
    };

    /// <summary>The input folder of a run_start event, or all of them, comma-separated, when the run stacks several.</summary>
    public static string InputFolders(RunEvent e) =>
        e.Fields["input_dirs"] is JsonArray { Count: > 1 } dirs
            ? string.Join(", ", dirs.Select(d => d?.GetValue<string>()))
            : e.String("input_dir") ?? "";
}
