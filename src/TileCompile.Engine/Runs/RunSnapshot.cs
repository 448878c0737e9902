namespace TileCompile.Engine.Runs;

/// <summary>Status of a run, derived from its event log and lock.</summary>
public enum RunStatusKind
{
    /// <summary>A live process holds the lock.</summary>
    Running,
    /// <summary>The last attempt ended ok.</summary>
    Completed,
    /// <summary>
    /// A phase ended in error, or the process stopped without ending the run (killed, crashed, the machine went
    /// down: <see cref="RunSnapshot.Interrupted"/>); resumable.
    /// </summary>
    Failed,
    /// <summary>Stopped on request (Ctrl+C, Stop-TileRun); resumable.</summary>
    Cancelled,
}

/// <summary>State of one phase as the log tells it.</summary>
public sealed record PhaseSnapshot
{
    /// <summary>Phase number.</summary>
    public required int Phase { get; init; }
    /// <summary>Phase name.</summary>
    public required string Name { get; init; }
    /// <summary>pending, running, ok, error, skipped, cancelled or interrupted.</summary>
    public required string Status { get; init; }
    /// <summary>Duration of its last run, seconds.</summary>
    public double? DurationSeconds { get; init; }
    /// <summary>Attempt of its last event.</summary>
    public int? Attempt { get; init; }
    /// <summary>Skip reason or error message.</summary>
    public string? Detail { get; init; }
    /// <summary>True when its manifest is present (the phase is complete on disk).</summary>
    public bool HasManifest { get; init; }
    /// <summary>How many times the phase has failed, over all attempts.</summary>
    public int Failures { get; init; }
}

/// <summary>A run's derived state: what Get-TileRun and <c>tile-compile status</c> show.</summary>
public sealed record RunSnapshot
{
    /// <summary>Run id.</summary>
    public required string RunId { get; init; }
    /// <summary>Run directory.</summary>
    public required string Path { get; init; }
    /// <summary>Derived status.</summary>
    public required RunStatusKind Status { get; init; }
    /// <summary>Last or failed phase.</summary>
    public int? Phase { get; init; }
    /// <summary>Its name.</summary>
    public string? PhaseName { get; init; }
    /// <summary>First start.</summary>
    public DateTimeOffset? Started { get; init; }
    /// <summary>End of the last attempt.</summary>
    public DateTimeOffset? Ended { get; init; }
    /// <summary>Total time spent in attempts.</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>Frames found at start.</summary>
    public int? FrameCount { get; init; }
    /// <summary>Frames used after exclusions.</summary>
    public int? FramesUsed { get; init; }
    /// <summary>Frames excluded.</summary>
    public int? FramesExcluded { get; init; }
    /// <summary>Final image, when produced.</summary>
    public string? OutputPath { get; init; }
    /// <summary>Validation of the result against the classic clipped mean: passed, failed or not measured.</summary>
    public string? Validation { get; init; }
    /// <summary>The calibration masters used ("none" without any; null before REGISTRATION).</summary>
    public string? Calibration { get; init; }
    /// <summary>The target as the frames name it (OBJECT), when they do.</summary>
    public string? Object { get; init; }
    /// <summary>Number of resumes.</summary>
    public int ResumeCount { get; init; }
    /// <summary>Error message of the failed phase.</summary>
    public string? Error { get; init; }
    /// <summary>Per-phase state (empty in quick listings).</summary>
    public IReadOnlyList<PhaseSnapshot> Phases { get; init; } = Array.Empty<PhaseSnapshot>();
    /// <summary>Phases with a manifest.</summary>
    public int CompletedPhases { get; init; }
    /// <summary>Bytes of artifacts recorded in manifests.</summary>
    public long SizeBytes { get; init; }
    /// <summary>Attempts with their reasons and results.</summary>
    public IReadOnlyList<LineageEntry> Lineage { get; init; } = Array.Empty<LineageEntry>();
    /// <summary>Who holds the lock, when running.</summary>
    public LockHolder? LockHolder { get; init; }
    /// <summary>
    /// Why automatic resumes no longer retry this run (a phase failed runtime_limits.max_phase_failures times), or
    /// null. An explicit resume still runs it.
    /// </summary>
    public string? RetryBlocked { get; init; }
    /// <summary>Whether the run ended before its last phase (failed, cancelled or killed) and a resume continues it.</summary>
    public bool IsResumable => Status is RunStatusKind.Failed or RunStatusKind.Cancelled;
    /// <summary>
    /// True for a failed run whose process stopped without writing its end (no run_end, no live lock holder): a kill,
    /// a crash or a power cut rather than an error the run reported.
    /// </summary>
    public bool Interrupted { get; init; }

    /// <summary>The error shown for an interrupted run; <paramref name="where"/> names the phase when it is known.</summary>
    public static string InterruptedError(string? where = null) =>
        $"interrupted: the process stopped{(where is null ? "" : " during " + where)} without ending the run (killed, crashed or the machine went down)";
    /// <summary>
    /// The command that resumes the run, in the syntax of the front end that shows it (each fills it in); the
    /// engine leaves it empty because it cannot know how the user reaches it.
    /// </summary>
    public string? ResumeCommand { get; init; }
    /// <summary>Input folder.</summary>
    public string? InputDir { get; init; }
    /// <summary>Config hash.</summary>
    public string? ConfigHash { get; init; }
}
