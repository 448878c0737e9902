using System.Globalization;
using System.Management.Automation;
using System.Text.Json.Nodes;
using TileCompile.Engine.Config;
using TileCompile.Engine.FrontEnd;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Contracts;

namespace TileCompile.PowerShell.Internal;

/// <summary>Run lifecycle calls into the engine, returning cmdlet-assembly objects only.</summary>
internal static class RunBridge
{
    public static T Translate<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (FrontEndErrors.Identify(e) is { } error)
        {
            var message = error.Id == RunErrorIds.AlreadyCompleted
                ? e.Message + " (Resume-TileRun -FromPhase N, or -Force)"
                : e.Message;
            throw new TileOperationException(error.Id, Category(error.Kind), message, e);
        }
    }

    private static ErrorCategory Category(ErrorKind kind) => kind switch
    {
        ErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        ErrorKind.InvalidData => ErrorCategory.InvalidData,
        ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ErrorKind.Busy => ErrorCategory.ResourceBusy,
        ErrorKind.Exists => ErrorCategory.ResourceExists,
        ErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        ErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        ErrorKind.IOError => ErrorCategory.WriteError,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>Throws the RunNotFound error the cmdlets report when <paramref name="runDir"/> holds no run.</summary>
    public static void RequireRun(string runDir) => Translate(() =>
    {
        RunPaths.Require(runDir);
        return 0;
    });

    public static string DefaultRunsRoot(string currentDirectory) => RunCatalog.DefaultRoot(currentDirectory);

    public static bool IsRunDirectory(string path) => File.Exists(Path.Combine(path, "run.json"));

    public static IReadOnlyList<string> RunIds(string runsRoot) => RunCatalog.RecentIds(runsRoot, 500);

    public static List<TileRun> List(string runsRoot, string? idPattern, TileRunStatus[]? status, DateTime? since, DateTime? until, int? newest, bool detailed,
        string? inputPattern = null, string? targetPattern = null)
    {
        var query = new RunQuery
        {
            IdPattern = idPattern,
            Status = status?.Select(s => (RunStatusKind)(int)s).ToList(),
            Since = since is { } s1 ? new DateTimeOffset(s1) : null,
            Until = until is { } u ? new DateTimeOffset(u) : null,
            Newest = newest,
            InputPattern = inputPattern,
            ObjectPattern = targetPattern,
        };
        // Size is what the run takes on disk, finished phases or not (a cancelled run's partial work counts too).
        return RunCatalog.List(runsRoot, query)
            .Select(r => detailed ? Get(r.Path) : ToTileRun(r with { SizeBytes = RunMaintenance.SizeOnDisk(r.Path) })).ToList();
    }

    public static TileRun Get(string runDir)
    {
        RequireRun(runDir);
        var snapshot = RunStatusReader.Read(runDir);
        var quick = RunCatalog.Quick(runDir);
        return ToTileRun(snapshot with { SizeBytes = RunMaintenance.SizeOnDisk(runDir), FramesUsed = quick?.FramesUsed, FramesExcluded = quick?.FramesExcluded });
    }

    private static TileRun ToTileRun(RunSnapshot s) => new()
    {
        RunId = s.RunId,
        Path = s.Path,
        Status = (TileRunStatus)(int)s.Status,
        Phase = s.Phase is { } p ? (TilePhase)p : null,
        PhaseName = s.PhaseName,
        Started = s.Started?.LocalDateTime,
        Ended = s.Ended?.LocalDateTime,
        Duration = s.Duration,
        FrameCount = s.FrameCount,
        FramesUsed = s.FramesUsed,
        FramesExcluded = s.FramesExcluded,
        OutputPath = s.OutputPath,
        Validation = s.Validation,
        Calibration = s.Calibration,
        Object = s.Object,
        ResumeCount = s.ResumeCount,
        Error = s.Error,
        CompletedPhases = s.Phases.Count > 0 ? s.Phases.Count(p => p.HasManifest) : s.CompletedPhases,
        SizeOnDisk = s.SizeBytes,
        Phases = s.Phases.Select(p => new TilePhaseState
        {
            RunId = s.RunId,
            Path = s.Path,
            Phase = (TilePhase)p.Phase,
            Status = p.Status,
            Duration = p.DurationSeconds is { } d ? TimeSpan.FromSeconds(d) : null,
            Detail = p.Detail,
            Complete = p.HasManifest,
            Failures = p.Failures,
        }).ToArray(),
        RetryBlocked = s.RetryBlocked,
        InputPath = s.InputDir,
        IsResumable = s.IsResumable,
        Interrupted = s.Interrupted,
        ResumeCommand = s.IsResumable
            ? ResumeCommand(s.Path) : null,
        HeldBy = s.LockHolder?.Describe(),
    };

    /// <summary>The command that resumes the run in <paramref name="runDir"/>, quoted so that any path pastes back as typed.</summary>
    public static string ResumeCommand(string runDir) => $"Resume-TileRun -LiteralPath '{runDir.Replace("'", "''")}'";

    public static TileRunVerification Verify(string runDir, CancellationToken token)
    {
        var report = RunVerifier.Verify(runDir, token);
        return new TileRunVerification
        {
            RunId = report.RunId,
            Path = report.RunDir,
            IsIntact = report.IsIntact,
            FirstDamagedPhase = report.FirstDamaged is { } first ? (TilePhase)first : null,
            Problems = report.Phases.SelectMany(p => p.Problems).Select(p => $"{p.Path}: {p.Detail}").ToArray(),
            Phases = report.Phases.Select(p => new TilePhaseVerification
            {
                Phase = (TilePhase)p.Phase,
                Status = p.Status,
                Artifacts = p.Artifacts,
                Problems = p.Problems.Select(x => $"{x.Path}: {x.Detail}").ToArray(),
            }).ToArray(),
        };
    }

    public static List<TileRunEvent> Events(string runDir)
    {
        var paths = new RunPaths(runDir);
        RequireRun(runDir);
        return EventLogReader.ReadAll(paths.Events).Select(e => ToEvent(e, paths.Root)).ToList();
    }

    public static IEnumerable<TileRunEvent> Follow(string runDir, CancellationToken token)
    {
        var paths = new RunPaths(runDir);
        var stream = EventLogReader.FollowRun(paths, cancellationToken: token);
        var e = stream.GetAsyncEnumerator(token);
        try
        {
            while (true)
            {
                bool next;
                try
                {
                    next = e.MoveNextAsync().AsTask().GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
                if (!next) yield break;
                yield return ToEvent(e.Current, paths.Root);
            }
        }
        finally
        {
            e.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    public static TileRunEvent ToEvent(RunEvent e, string runDir)
    {
        TilePhase? phase = e.Phase is { } p && p is >= 0 and <= 10 ? (TilePhase)p : null;
        var ts = e.Timestamp.LocalDateTime;
        TimeSpan? Seconds(string name) => e.Number(name) is { } d ? TimeSpan.FromSeconds(d) : null;
        return e.Type switch
        {
            "run_start" => new TileRunStartEvent
            {
                RunId = e.RunId, Path = runDir, Sequence = e.Sequence, Timestamp = ts, Type = e.Type, Attempt = e.Attempt, Json = e.Json,
                InputPath = e.String("input_dir"), Frames = (int)(e.Number("frames") ?? 0), ConfigHash = e.String("config_hash"),
                EngineVersion = e.String("engine_version"), Host = e.String("host"),
                Message = EventDescriptions.Describe(e),
            },
            "run_resume" => new TileRunResumeEvent
            {
                RunId = e.RunId, Path = runDir, Sequence = e.Sequence, Timestamp = ts, Type = e.Type, Attempt = e.Attempt, Json = e.Json,
                FromPhase = e.Number("from_phase") is { } f ? (TilePhase)(int)f : null, Mode = e.String("mode"), PreviousStatus = e.String("previous_status"),
                Message = EventDescriptions.Describe(e),
            },
            "phase_start" => new TilePhaseStartEvent
            {
                RunId = e.RunId, Path = runDir, Sequence = e.Sequence, Timestamp = ts, Type = e.Type, Attempt = e.Attempt, Json = e.Json,
                Phase = phase, PhaseName = e.PhaseName,
            },
            "phase_progress" => new TilePhaseProgressEvent
            {
                RunId = e.RunId, Path = runDir, Sequence = e.Sequence, Timestamp = ts, Type = e.Type, Attempt = e.Attempt, Json = e.Json,
                Phase = phase, PhaseName = e.PhaseName, Current = e.Number("current") ?? 0, Total = e.Number("total") ?? 0,
                Progress = e.Number("progress") ?? 0, Substep = e.String("substep"),
            },
            "frame_processed" => new TileFrameProcessedEvent
            {
                RunId = e.RunId, Path = runDir, Sequence = e.Sequence, Timestamp = ts, Type = e.Type, Attempt = e.Attempt, Json = e.Json,
                Phase = phase, PhaseName = e.PhaseName, FrameIndex = (int)(e.Number("frame_idx") ?? 0), TotalFrames = (int)(e.Number("total_frames") ?? 0),
                FrameName = e.String("frame_name"), Message = EventDescriptions.Describe(e),
            },
            "phase_end" => new TilePhaseEndEvent
            {
                RunId = e.RunId, Path = runDir, Sequence = e.Sequence, Timestamp = ts, Type = e.Type, Attempt = e.Attempt, Json = e.Json,
                Phase = phase, PhaseName = e.PhaseName, Status = e.Status, Duration = Seconds("duration_s"), Reason = e.String("reason"),
                ResumeFrom = e.Number("resume_from") is { } r ? (TilePhase)(int)r : null,
                ErrorType = (e.Fields["error"] as JsonObject)?["type"]?.GetValue<string>(),
                Message = EventDescriptions.Describe(e),
            },
            "warning" => new TileWarningEvent
            {
                RunId = e.RunId, Path = runDir, Sequence = e.Sequence, Timestamp = ts, Type = e.Type, Attempt = e.Attempt, Json = e.Json,
                Phase = phase, PhaseName = phase?.ToString(), Message = EventDescriptions.Describe(e), Code = e.String("code"), FrameName = e.String("frame_name"),
            },
            "run_end" => new TileRunEndEvent
            {
                RunId = e.RunId, Path = runDir, Sequence = e.Sequence, Timestamp = ts, Type = e.Type, Attempt = e.Attempt, Json = e.Json,
                Status = e.Status, Success = e.Fields["success"]?.GetValue<bool>() ?? false, Duration = Seconds("duration_s"),
                Output = e.String("output"), Message = EventDescriptions.Describe(e),
            },
            _ => new TileRunEvent
            {
                RunId = e.RunId, Path = runDir, Sequence = e.Sequence, Timestamp = ts, Type = e.Type, Attempt = e.Attempt, Json = e.Json, Phase = phase,
            },
        };
    }

    public sealed record Outcome(string RunDir, string Status, string? Error, string? Output);

    // The engine takes phases as text (a number or a name): the cmdlets' typed phase goes over as its number.
    private static string? PhaseText(TilePhase? phase) => phase is { } p ? ((int)p).ToString(CultureInfo.InvariantCulture) : null;

    public static Outcome Start(IReadOnlyList<string> inputDirs, string? config, string runsRoot, string? runId, string? pattern, bool resume, bool force,
        int threads, CalibrationPaths calibration, Action<TileRunEvent> onEvent, CancellationToken token, TilePhase? toPhase = null)
    {
        var runner = StandardPhases.Runner();
        string? dir = null;
        runner.EventWritten += e =>
        {
            dir ??= Path.Combine(runsRoot, e.RunId);
            onEvent(ToEvent(e, dir));
        };
        var outcome = runner.Start(new StartRequest
        {
            InputDir = inputDirs[0], MoreInputDirs = inputDirs.Skip(1).ToList(), ConfigPath = config, RunsRoot = runsRoot, RunId = runId, Pattern = pattern,
            ResumeIfPossible = resume, ForceNew = force, Parallelism = threads,
            ToPhase = PhaseText(toPhase),
            BiasPath = calibration.Bias, DarkPath = calibration.Dark, FlatPath = calibration.Flat, DarkFlatPath = calibration.DarkFlat,
        }, token);
        return new Outcome(outcome.RunDir, outcome.Status, outcome.Error, outcome.Output);
    }

    public static Outcome Resume(string runDir, TilePhase? fromPhase, bool force, bool onlyFailedFrames, int threads, Action<TileRunEvent> onEvent,
        CancellationToken token, TilePhase? toPhase = null)
    {
        var runner = StandardPhases.Runner();
        runner.EventWritten += e => onEvent(ToEvent(e, runDir));
        var outcome = runner.Resume(new ResumeRequest
        {
            RunDir = runDir,
            FromPhase = PhaseText(fromPhase),
            Force = force,
            OnlyFailedFrames = onlyFailedFrames,
            Parallelism = threads,
            ToPhase = PhaseText(toPhase),
        }, token);
        return new Outcome(outcome.RunDir, outcome.Status, outcome.Error, outcome.Output);
    }

    public static List<TileResumePlanStep> Plan(string runDir, TilePhase? fromPhase, bool force)
    {
        var plan = StandardPhases.Runner().PlanResume(new ResumeRequest
        {
            RunDir = runDir,
            FromPhase = PhaseText(fromPhase),
            Force = force,
        });
        return plan.Phases.Select(d => new TileResumePlanStep
        {
            RunId = plan.RunId,
            Path = plan.RunDir,
            Phase = (TilePhase)(int)d.Phase,
            Action = PlanVocabulary.Action(d.Action),
            Reason = d.Reason,
            Detail = d.Detail,
        }).ToList();
    }

    public static void Stop(string runDir) => RunMaintenance.RequestStop(runDir);

    public static long Prune(string runDir) => RunMaintenance.PruneIntermediates(runDir);

    public static long IntermediateBytes(string runDir) => RunMaintenance.IntermediateBytes(runDir);

    public static void Delete(string runDir) => RunMaintenance.Delete(runDir);
}

/// <summary>Calibration frames given on the command line (folders or master files, resolved); null where not given.</summary>
internal sealed record CalibrationPaths(string? Bias, string? Dark, string? Flat, string? DarkFlat);
