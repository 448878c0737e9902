using TileCompile.Engine.Runs;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Pipeline;

/// <summary>What will happen to a phase.</summary>
public enum PhaseAction
{
    /// <summary>Not run; its outputs are kept.</summary>
    Skip,
    /// <summary>Run (again).</summary>
    Run,
    /// <summary>Run unless, when its turn comes, its inputs turn out unchanged (automatic resume only).</summary>
    RunUnlessUnchanged,
}

/// <summary>The decision for one phase with its reason from a closed set (docs/architecture.md §6).</summary>
/// <param name="Phase">The phase.</param>
/// <param name="Action">Skip or run.</param>
/// <param name="Reason">up_to_date, resume_from_phase, reduced_mode, incomplete, manifest_corrupt, pruned, artifact_missing,
/// artifact_size, hash_mismatch, config_changed, algo_version_changed, upstream_changed, input_changed, requested, forced, new_run.</param>
/// <param name="Detail">The artifact, or "key old→new", that explains the reason.</param>
/// <param name="LastDurationSeconds">Duration of the phase's last completed run, as an estimate.</param>
public sealed record PhaseDecision(PhaseId Phase, PhaseAction Action, string Reason, string? Detail = null, double? LastDurationSeconds = null)
{
    /// <summary>The phase name.</summary>
    public string PhaseName => PhaseNames.Of(Phase);
}

/// <summary>A resume plan: the decision per phase, computed without touching the run.</summary>
public sealed record ResumePlan
{
    /// <summary>Run id.</summary>
    public required string RunId { get; init; }
    /// <summary>Run directory.</summary>
    public required string RunDir { get; init; }
    /// <summary>explicit, auto or force.</summary>
    public required string Mode { get; init; }
    /// <summary>Phase the user asked for, if any.</summary>
    public PhaseId? FromPhase { get; init; }
    /// <summary>Status before the resume.</summary>
    public required RunStatusKind PreviousStatus { get; init; }
    /// <summary>One decision per phase, 0 to 10.</summary>
    public required IReadOnlyList<PhaseDecision> Phases { get; init; }
    /// <summary>True when every phase is up to date.</summary>
    public bool NothingToDo => Phases.All(p => p.Action == PhaseAction.Skip);
    /// <summary>The first phase that runs, if any.</summary>
    public PhaseId? FirstToRun => Phases.FirstOrDefault(p => p.Action != PhaseAction.Skip)?.Phase;
}

/// <summary>What the caller asks a resume to do.</summary>
public sealed record ResumeRequest
{
    /// <summary>The run directory.</summary>
    public required string RunDir { get; init; }
    /// <summary>Phase number or name to restart from; null for automatic.</summary>
    public string? FromPhase { get; init; }
    /// <summary>Start again from phase 0 in the same directory.</summary>
    public bool Force { get; init; }
    /// <summary>Per-frame phases keep their successful frames and redo only excluded ones.</summary>
    public bool OnlyFailedFrames { get; init; }
    /// <summary>Phase number or name after which the attempt stops (the run ends Cancelled and a resume continues); null for all.</summary>
    public string? ToPhase { get; init; }
    /// <summary>Runs root, for hints in "not found" errors.</summary>
    public string? RunsRoot { get; init; }
    /// <summary>Worker threads (0 = one per core); never changes results.</summary>
    public int Parallelism { get; init; }
}

/// <summary>What the caller asks a new run to do.</summary>
public sealed record StartRequest
{
    /// <summary>Folder with the light frames (the first, when <see cref="MoreInputDirs"/> adds others).</summary>
    public required string InputDir { get; init; }
    /// <summary>
    /// Further folders of light frames stacked in the same run (several nights of one target): all frames are
    /// registered to one reference, in folder order.
    /// </summary>
    public IReadOnlyList<string> MoreInputDirs { get; init; } = Array.Empty<string>();
    /// <summary>Configuration file; null for the defaults.</summary>
    public string? ConfigPath { get; init; }
    /// <summary>Runs root; null for the config's run_dir, else ./runs.</summary>
    public string? RunsRoot { get; init; }
    /// <summary>Run id to use instead of a generated one.</summary>
    public string? RunId { get; init; }
    /// <summary>File pattern(s) overriding input.pattern.</summary>
    public string? Pattern { get; init; }
    /// <summary>Bias frames (folder or master file) overriding calibration.bias.</summary>
    public string? BiasPath { get; init; }
    /// <summary>Darks (folder or master file) overriding calibration.darks.</summary>
    public string? DarkPath { get; init; }
    /// <summary>Flats (folder or master file) overriding calibration.flats.</summary>
    public string? FlatPath { get; init; }
    /// <summary>Flat-darks (folder or master file) overriding calibration.darkflats.</summary>
    public string? DarkFlatPath { get; init; }
    /// <summary>Resume the latest failed or interrupted run of the same input and config instead of starting fresh.</summary>
    public bool ResumeIfPossible { get; init; }
    /// <summary>Always start fresh (overrides resume.auto).</summary>
    public bool ForceNew { get; init; }
    /// <summary>Phase number or name after which the run stops (it ends Cancelled and a resume continues); null for all.</summary>
    public string? ToPhase { get; init; }
    /// <summary>Worker threads (0 = one per core); never changes results.</summary>
    public int Parallelism { get; init; }
}

/// <summary>How an attempt ended.</summary>
public sealed record RunOutcome
{
    /// <summary>Run id.</summary>
    public required string RunId { get; init; }
    /// <summary>Run directory.</summary>
    public required string RunDir { get; init; }
    /// <summary>ok, error or cancelled.</summary>
    public required string Status { get; init; }
    /// <summary>Final image when ok.</summary>
    public string? Output { get; init; }
    /// <summary>Error message when not ok.</summary>
    public string? Error { get; init; }
    /// <summary>Attempt number.</summary>
    public int Attempt { get; init; }
    /// <summary>True when an existing run was resumed instead of starting a new one (auto-resume).</summary>
    public bool Resumed { get; init; }
    /// <summary>The phase after which the attempt stopped because the caller asked (status cancelled), or null.</summary>
    public PhaseId? StoppedAfter { get; init; }
}
