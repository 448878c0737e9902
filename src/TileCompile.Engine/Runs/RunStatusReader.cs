using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Runs;

/// <summary>Derives a run's status from its event log (the source of truth) and its lock.</summary>
public static class RunStatusReader
{
    /// <summary>Full state of one run: status, phases, lineage. Never throws for a damaged log.</summary>
    public static RunSnapshot Read(string runDir)
    {
        var paths = new RunPaths(runDir);
        var events = EventLogReader.ReadAll(paths.Events);
        RunInfo? info = null;
        try { if (File.Exists(paths.RunJson)) info = RunInfo.Load(paths.RunJson); } catch (InvalidDataException) { }
        var holder = RunLock.IsHeldByLiveProcess(paths.Lock) ? RunLock.ReadHolder(paths.Lock) : null;

        var lastStart = events.Select((e, i) => (e, i)).LastOrDefault(x => x.e.Type is "run_start" or "run_resume");
        var lastEnd = events.LastOrDefault(e => e.Type == "run_end");
        var attemptEnded = lastStart.e is not null && lastEnd is not null && lastEnd.Sequence > lastStart.e.Sequence;

        var status = StatusOf(holder, attemptEnded ? lastEnd : null);
        var interrupted = holder is null && !attemptEnded;

        var (phases, completed, size) = Phases(paths, events, status);
        var retryBlocked = status is RunStatusKind.Failed or RunStatusKind.Cancelled ? RetryBlocked(paths, events, phases) : null;

        var failed = events.LastOrDefault(e => e.Type == "phase_end" && e.Status == "error" && (lastStart.e is null || e.Sequence > lastStart.e.Sequence));
        var lastPhase = failed ?? events.LastOrDefault(e => e.Type is "phase_start" or "phase_end" && e.Status != "skipped");
        var started = events.FirstOrDefault(e => e.Type == "run_start")?.Timestamp ?? (info is null ? null : new DateTimeOffset(info.Created, TimeSpan.Zero));
        var ended = attemptEnded && status is RunStatusKind.Completed or RunStatusKind.Failed or RunStatusKind.Cancelled ? lastEnd?.Timestamp : null;
        var duration = TimeSpan.FromSeconds(events.Where(e => e.Type == "run_end").Sum(e => e.Number("duration_s") ?? 0));
        if ((status == RunStatusKind.Running || interrupted) && lastStart.e is not null)
            duration += (events[^1].Timestamp - lastStart.e.Timestamp);

        var startEvent = events.FirstOrDefault(e => e.Type == "run_start");
        var output = status == RunStatusKind.Completed ? lastEnd?.String("output") : null;
        return new RunSnapshot
        {
            RetryBlocked = retryBlocked,
            Interrupted = interrupted,
            RunId = info?.RunId ?? paths.RunId,
            Path = paths.Root,
            Status = status,
            Phase = lastPhase?.Phase,
            PhaseName = lastPhase?.PhaseName,
            Started = started,
            Ended = ended,
            Duration = duration,
            FrameCount = (int?)startEvent?.Number("frames") ?? info?.Frames.Count,
            FramesUsed = info?.Summary.FramesUsed,
            FramesExcluded = info?.Summary.FramesExcluded,
            OutputPath = output,
            Validation = info?.Summary.Validation,
            Calibration = info?.Summary.Calibration,
            Object = info?.Summary.Object,
            ResumeCount = events.Count(e => e.Type == "run_resume"),
            Error = interrupted
                ? RunSnapshot.InterruptedError(lastPhase?.Phase is { } at ? $"phase {at} {lastPhase.PhaseName}" : null)
                : status == RunStatusKind.Failed ? failed?.Message ?? lastEnd?.String("error") : null,
            Phases = phases,
            CompletedPhases = completed,
            SizeBytes = size,
            Lineage = info?.Lineage ?? new List<LineageEntry>(),
            LockHolder = holder,
            InputDir = info?.InputDir,
            ConfigHash = info?.ConfigHash,
        };
    }

    // Running while a live process holds the lock; else how the last attempt ended, or Failed when it never did.
    private static RunStatusKind StatusOf(LockHolder? holder, RunEvent? end) =>
        holder is not null ? RunStatusKind.Running
        : end is null ? RunStatusKind.Failed
        : end.Status switch
        {
            "ok" => RunStatusKind.Completed,
            "cancelled" => RunStatusKind.Cancelled,
            _ => RunStatusKind.Failed,
        };

    // Every phase's state from its last event and manifest; with how many have a manifest and their total size.
    private static (List<PhaseSnapshot> Phases, int Completed, long Size) Phases(RunPaths paths, IReadOnlyList<RunEvent> events, RunStatusKind status)
    {
        var phases = new List<PhaseSnapshot>();
        long size = 0;
        var completed = 0;
        foreach (var p in PhaseNames.All)
        {
            var n = (int)p;
            var last = events.LastOrDefault(e => e.Phase == n && e.Type is "phase_start" or "phase_end");
            string state;
            if (last is null) state = "pending";
            else if (last.Type == "phase_start") state = status == RunStatusKind.Running ? "running" : "interrupted";
            else state = last.Status ?? "ok";
            PhaseManifest? manifest = null;
            try { manifest = PhaseManifest.Load(paths.Manifest(n)); } catch (InvalidDataException) { }
            if (manifest is not null)
            {
                completed++;
                size += manifest.TotalBytes;
            }
            phases.Add(new PhaseSnapshot
            {
                Phase = n,
                Name = PhaseNames.Of(p),
                Status = state,
                DurationSeconds = last?.Type == "phase_end" ? last.Number("duration_s") : null,
                Attempt = last?.Attempt,
                Detail = last?.Type == "phase_end" ? last.String("reason") ?? last.Message : null,
                HasManifest = manifest is not null,
                Failures = events.Count(e => e.Phase == n && e.Type == "phase_end" && e.Status == "error"),
            });
        }
        return (phases, completed, size);
    }

    // Why a failed run is not retried automatically: a phase failed as often as runtime_limits.max_phase_failures allows.
    private static string? RetryBlocked(RunPaths paths, IReadOnlyList<RunEvent> events, List<PhaseSnapshot> phases)
    {
        if (phases.Where(p => p.Failures > 0).MaxBy(p => p.Failures) is { } worst && worst.Failures >= MaxPhaseFailures(paths))
        {
            var lastError = events.Last(e => e.Phase == worst.Phase && e.Type == "phase_end" && e.Status == "error");
            return $"phase {worst.Phase} {worst.Name} failed {worst.Failures} times (last: {lastError.Fields["error"]?["message"]}), " +
                           "so it is not retried automatically; fix the cause, then resume the run explicitly";
        }
        return null;
    }

    private static int MaxPhaseFailures(RunPaths paths)
    {
        try
        {
            return Config.TileConfig.Load(paths.Config).Get(Config.ConfigKeys.RuntimeLimits.MaxPhaseFailures);
        }
        catch (Exception e) when (e is Config.ConfigValidationException or IOException or UnauthorizedAccessException)
        {
            return Config.ConfigKeys.RuntimeLimits.MaxPhaseFailures.Default;
        }
    }
}
