namespace TileCompile.PowerShell;

/// <summary>An event of a run's log; one derived class per event type.</summary>
public class TileRunEvent
{
    /// <summary>Run id.</summary>
    public string RunId { get; init; } = "";
    /// <summary>Run directory.</summary>
    public string Path { get; init; } = "";
    /// <summary>1, 2, 3… per run.</summary>
    public long Sequence { get; init; }
    /// <summary>When it was written (local time).</summary>
    public DateTime Timestamp { get; init; }
    /// <summary>Event type as in the log (run_start, phase_end…).</summary>
    public string Type { get; init; } = "";
    /// <summary>Attempt (1 for the first, +1 per resume).</summary>
    public int Attempt { get; init; }
    /// <summary>Phase, for phase events.</summary>
    public TilePhase? Phase { get; init; }
    /// <summary>Phase name, for phase events.</summary>
    public string? PhaseName { get; init; }
    /// <summary>Status, for phase_end and run_end.</summary>
    public string? Status { get; init; }
    /// <summary>A one-line description.</summary>
    public string? Message { get; init; }
    /// <summary>The event as written in the log.</summary>
    public string Json { get; init; } = "";
}

/// <summary>run_start.</summary>
public sealed class TileRunStartEvent : TileRunEvent
{
    /// <summary>Input folder.</summary>
    public string? InputPath { get; init; }
    /// <summary>Frames found.</summary>
    public int Frames { get; init; }
    /// <summary>Config hash.</summary>
    public string? ConfigHash { get; init; }
    /// <summary>Engine version.</summary>
    public string? EngineVersion { get; init; }
    /// <summary>Machine.</summary>
    public string? Host { get; init; }
}

/// <summary>run_resume.</summary>
public sealed class TileRunResumeEvent : TileRunEvent
{
    /// <summary>First phase that runs.</summary>
    public TilePhase? FromPhase { get; init; }
    /// <summary>explicit, auto or force.</summary>
    public string? Mode { get; init; }
    /// <summary>Status before the resume.</summary>
    public string? PreviousStatus { get; init; }
}

/// <summary>phase_start.</summary>
public sealed class TilePhaseStartEvent : TileRunEvent { }

/// <summary>phase_progress.</summary>
public sealed class TilePhaseProgressEvent : TileRunEvent
{
    /// <summary>Items done.</summary>
    public double Current { get; init; }
    /// <summary>Items in all.</summary>
    public double Total { get; init; }
    /// <summary>0..1.</summary>
    public double Progress { get; init; }
    /// <summary>Optional sub-step.</summary>
    public string? Substep { get; init; }
}

/// <summary>frame_processed.</summary>
public sealed class TileFrameProcessedEvent : TileRunEvent
{
    /// <summary>Frame index.</summary>
    public int FrameIndex { get; init; }
    /// <summary>Frames in the phase.</summary>
    public int TotalFrames { get; init; }
    /// <summary>Frame file name.</summary>
    public string? FrameName { get; init; }
}

/// <summary>phase_end.</summary>
public sealed class TilePhaseEndEvent : TileRunEvent
{
    /// <summary>Duration of the phase.</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>Skip reason.</summary>
    public string? Reason { get; init; }
    /// <summary>Phase a resume started from (skipped phases).</summary>
    public TilePhase? ResumeFrom { get; init; }
    /// <summary>Exception type of a failed phase.</summary>
    public string? ErrorType { get; init; }
}

/// <summary>warning.</summary>
public sealed class TileWarningEvent : TileRunEvent
{
    /// <summary>Warning code (frame_excluded, stale_lock_taken_over…).</summary>
    public string? Code { get; init; }
    /// <summary>Frame concerned, if any.</summary>
    public string? FrameName { get; init; }
}

/// <summary>run_end.</summary>
public sealed class TileRunEndEvent : TileRunEvent
{
    /// <summary>True when the attempt ended ok.</summary>
    public bool Success { get; init; }
    /// <summary>Duration of the attempt.</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>Final image.</summary>
    public string? Output { get; init; }
}
