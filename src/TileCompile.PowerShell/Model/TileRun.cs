namespace TileCompile.PowerShell;

/// <summary>The pipeline phases, named as in the run directory contract; accepts numbers too (10 = STACKING).</summary>
#pragma warning disable CA1707 // The names are the contract's phase names.
public enum TilePhase
{
    /// <summary>0: find frames, read headers, check consistency.</summary>
    SCAN_INPUT = 0,
    /// <summary>1: detect stars, match, fit transforms, warp.</summary>
    REGISTRATION = 1,
    /// <summary>2: split CFA or RGB data into channels.</summary>
    CHANNEL_SPLIT = 2,
    /// <summary>3: background normalization.</summary>
    NORMALIZATION = 3,
    /// <summary>4: global frame weights.</summary>
    GLOBAL_METRICS = 4,
    /// <summary>5: seeing-adaptive tile grid.</summary>
    TILE_GRID = 5,
    /// <summary>6: per-tile local weights.</summary>
    LOCAL_METRICS = 6,
    /// <summary>7: seam-free weighted reconstruction.</summary>
    TILE_RECONSTRUCTION = 7,
    /// <summary>8: cluster frames by quality state.</summary>
    STATE_CLUSTERING = 8,
    /// <summary>9: synthetic frame per cluster.</summary>
    SYNTHETIC_FRAMES = 9,
    /// <summary>10: final rejection stack.</summary>
    STACKING = 10,
}
#pragma warning restore CA1707

/// <summary>Status of a run.</summary>
public enum TileRunStatus
{
    /// <summary>A live process works on it.</summary>
    Running,
    /// <summary>The last attempt ended ok.</summary>
    Completed,
    /// <summary>A phase failed, or the process was killed or crashed (then Interrupted is $true); resumable.</summary>
    Failed,
    /// <summary>Stopped on request; resumable.</summary>
    Cancelled,
}

/// <summary>A run and its state (output of Get-TileRun, Start-TileRun -PassThru, Resume-TileRun -PassThru).</summary>
public sealed class TileRun
{
    /// <summary>Run id (the directory name).</summary>
    public string RunId { get; init; } = "";
    /// <summary>Run directory.</summary>
    public string Path { get; init; } = "";
    /// <summary>Derived status.</summary>
    public TileRunStatus Status { get; init; }
    /// <summary>Last or failed phase.</summary>
    public TilePhase? Phase { get; init; }
    /// <summary>Name of <see cref="Phase"/>.</summary>
    public string? PhaseName { get; init; }
    /// <summary>Start of the first attempt (local time).</summary>
    public DateTime? Started { get; init; }
    /// <summary>End of the last attempt (local time).</summary>
    public DateTime? Ended { get; init; }
    /// <summary>Time spent in attempts.</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>Frames found at start.</summary>
    public int? FrameCount { get; init; }
    /// <summary>Frames used after exclusions.</summary>
    public int? FramesUsed { get; init; }
    /// <summary>Frames excluded.</summary>
    public int? FramesExcluded { get; init; }
    /// <summary>The final image, when the run completed.</summary>
    public string? OutputPath { get; init; }
    /// <summary>
    /// How the result compared with the classic clipped mean of the same frames: passed, failed (worse on
    /// both FWHM and aperture signal-to-noise; see artifacts/validation.json) or not measured.
    /// </summary>
    public string? Validation { get; init; }
    /// <summary>
    /// The calibration masters the lights were calibrated with, e.g. "flat 12 frames, darkflat 10 frames" ("none"
    /// without any; see artifacts/calibration.json); empty before registration ran.
    /// </summary>
    public string? Calibration { get; init; }
    /// <summary>The target as the frames name it (OBJECT), when they do.</summary>
    public string? Object { get; init; }
    /// <summary>Number of resumes.</summary>
    public int ResumeCount { get; init; }
    /// <summary>Error message of a failed run.</summary>
    public string? Error { get; init; }
    /// <summary>Completed phases.</summary>
    public int CompletedPhases { get; init; }
    /// <summary>Bytes on disk (artifacts recorded in the manifests).</summary>
    public long SizeOnDisk { get; init; }
    /// <summary>Per-phase state (filled by Get-TileRun -Detailed and for single runs).</summary>
    public TilePhaseState[] Phases { get; init; } = Array.Empty<TilePhaseState>();
    /// <summary>Input folder.</summary>
    public string? InputPath { get; init; }
    /// <summary>Why -ResumeIfFailed and resume.auto no longer retry the run (a phase failed too often), or null.</summary>
    public string? RetryBlocked { get; init; }
    /// <summary>Whether the run ended before its last phase (Failed or Cancelled) and Resume-TileRun continues it.</summary>
    public bool IsResumable { get; init; }
    /// <summary>True for a failed run whose process was killed or crashed rather than reporting an error.</summary>
    public bool Interrupted { get; init; }
    /// <summary>The command that resumes the run, when it can be resumed.</summary>
    public string? ResumeCommand { get; init; }
    /// <summary>Who holds the run's lock, while running.</summary>
    public string? HeldBy { get; init; }
}

/// <summary>State of one phase of a run.</summary>
public sealed class TilePhaseState
{
    /// <summary>Run id.</summary>
    public string RunId { get; init; } = "";
    /// <summary>Run directory.</summary>
    public string Path { get; init; } = "";
    /// <summary>The phase.</summary>
    public TilePhase Phase { get; init; }
    /// <summary>pending, running, ok, error, skipped, cancelled or interrupted.</summary>
    public string Status { get; init; } = "";
    /// <summary>Duration of its last run.</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>Skip reason or error message.</summary>
    public string? Detail { get; init; }
    /// <summary>True when its outputs are complete on disk.</summary>
    public bool Complete { get; init; }
    /// <summary>How many times the phase has failed, over all attempts.</summary>
    public int Failures { get; init; }
}

/// <summary>One line of a resume plan (Resume-TileRun -WhatIf).</summary>
public sealed class TileResumePlanStep
{
    /// <summary>Run id.</summary>
    public string RunId { get; init; } = "";
    /// <summary>Run directory.</summary>
    public string Path { get; init; } = "";
    /// <summary>The phase.</summary>
    public TilePhase Phase { get; init; }
    /// <summary>skip, run, or run_unless_unchanged (the words of the CLI's plan too).</summary>
    public string Action { get; init; } = "";
    /// <summary>Why.</summary>
    public string Reason { get; init; } = "";
    /// <summary>The artifact or key change behind the reason.</summary>
    public string? Detail { get; init; }
}
