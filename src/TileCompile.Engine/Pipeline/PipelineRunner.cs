using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using TileCompile.Engine.Config;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Pipeline;

/// <summary>
/// Runs the phases of a run directory: new runs, resumes (explicit, automatic, forced) and dry-run
/// plans. Every attempt holds the run lock, writes its events, commits each phase with a manifest
/// written last, and ends with a <c>run_end</c> event — also on errors and cancellation.
/// </summary>
public sealed class PipelineRunner
{
    private readonly Dictionary<PhaseId, IPipelinePhase> _phases;
    private readonly ResumePlanner _planner;

    /// <summary>Creates a runner over the given phase implementations (one per phase 0–10).</summary>
    public PipelineRunner(IEnumerable<IPipelinePhase> phases)
    {
        _phases = phases.ToDictionary(p => p.Id);
        var missing = PhaseNames.All.Where(p => !_phases.ContainsKey(p)).ToList();
        if (missing.Count > 0) throw new ArgumentException("no implementation for phase(s) " + string.Join(", ", missing.Select(PhaseNames.Of)));
        _planner = new ResumePlanner(_phases);
    }

    /// <summary>Called with every event as it is written (on the engine's thread).</summary>
    public event Action<RunEvent>? EventWritten;

    /// <summary>Computes what a resume would do, without taking the lock or writing anything.</summary>
    public ResumePlan PlanResume(ResumeRequest request)
    {
        var state = RunState.Load(request.RunDir, HintsRoot(request));
        return _planner.Plan(state, request, RunStatusReader.Read(state.Paths.Root).Status);
    }

    /// <summary>Resumes a run; see docs/architecture.md §6 for the rules.</summary>
    public RunOutcome Resume(ResumeRequest request, CancellationToken cancellationToken = default)
    {
        var toPhase = ParsePhase(request.ToPhase);
        var state = RunState.Load(request.RunDir, HintsRoot(request));
        var snapshot = RunStatusReader.Read(state.Paths.Root);
        if (snapshot.Status == RunStatusKind.Running && snapshot.LockHolder is { } holder)
            throw new TileRunException(RunErrorIds.RunBusy, new RunBusyException(state.Paths.Root, holder).Message);
        // Hashes are verified once, under the lock, by the plan that is executed.
        var plan = _planner.Plan(state, request, snapshot.Status, verifyHashes: false);
        // A finished run is re-hashed before it is called finished: same-size damage makes the resume repair it.
        if (snapshot.Status == RunStatusKind.Completed && plan.NothingToDo)
            plan = _planner.Plan(state, request, snapshot.Status, verifyHashes: true);
        if (snapshot.Status == RunStatusKind.Completed && plan.NothingToDo)
            throw new TileRunException(RunErrorIds.AlreadyCompleted,
                $"run {state.Info.RunId} already completed ({snapshot.OutputPath}); nothing changed since; name a phase to run it and the ones after it again, or force a fresh start.");
        CheckInputs(state, plan);
        RunLock runLock;
        try
        {
            runLock = RunLock.Acquire(state.Paths.Lock, Describe(request));
        }
        catch (RunBusyException e)
        {
            throw new TileRunException(RunErrorIds.RunBusy, e.Message, e);
        }
        using (runLock)
        {
            // Reload under the lock: another process may have finished phases meanwhile.
            state = RunState.Load(request.RunDir, HintsRoot(request));
            plan = _planner.Plan(state, request, snapshot.Status);
            return Execute(state, plan, runLock, isNew: false, clearFrameRecords: plan.Mode != "auto",
                request.Parallelism, cancellationToken, request.OnlyFailedFrames, toPhase);
        }
    }

    /// <summary>Starts a new run on an input folder (or, with auto-resume, resumes the matching failed run).</summary>
    public RunOutcome Start(StartRequest request, CancellationToken cancellationToken = default)
    {
        var inputDir = Path.GetFullPath(request.InputDir);
        var inputDirs = new[] { inputDir }.Concat(request.MoreInputDirs.Select(Path.GetFullPath)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var dir in inputDirs)
            if (!Directory.Exists(dir))
                throw new TileRunException(RunErrorIds.InputNotFound, $"the input folder '{dir}' does not exist.");
        var (config, pattern) = RequestConfig(request);
        var runsRoot = Path.GetFullPath(request.RunsRoot
            ?? (config.Get(ConfigKeys.Run.RunDir) is { Length: > 0 } configured ? configured : RunCatalog.DefaultRoot(Environment.CurrentDirectory)));
        (inputDirs, var files) = FramesOf(inputDirs, pattern);

        if (!request.ForceNew && (request.ResumeIfPossible || config.Get(ConfigKeys.Resume.Auto)))
        {
            var previous = RunCatalog.List(runsRoot).FirstOrDefault(r =>
                string.Equals(r.InputDir, inputDirs[0], StringComparison.Ordinal) && r.ConfigHash == config.Hash);
            if (previous?.Status is RunStatusKind.Failed or RunStatusKind.Cancelled)
            {
                if (RunStatusReader.Read(previous.Path).RetryBlocked is { } blocked)
                    throw new TileRunException(RunErrorIds.RetryLimit, $"run {previous.RunId}: {blocked}");
                return Resume(new ResumeRequest { RunDir = previous.Path, RunsRoot = runsRoot, Parallelism = request.Parallelism, ToPhase = request.ToPhase }, cancellationToken)
                    with { Resumed = true };
            }
        }

        var toPhase = ParsePhase(request.ToPhase);
        var runId = request.RunId ?? RunId.New(DateTime.UtcNow);
        if (request.RunId is not null && !RunId.IsAcceptableCustom(runId))
            throw new TileRunException(RunErrorIds.RunExists, $"'{runId}' is not a usable run id: use letters, digits, '-', '_' and '.' (at most 64).");
        var final = Path.Combine(runsRoot, runId);
        if (Directory.Exists(final) || File.Exists(final))
            throw new TileRunException(RunErrorIds.RunExists, $"a run named '{runId}' already exists in '{runsRoot}'.");

        // Build the directory aside and rename it into place, so a run directory is never half-made. The staging
        // folder is this process's own: two starts with the same run id never write into each other's.
        var staging = Path.Combine(runsRoot, $".staging-{runId}-{Guid.NewGuid():N}");
        try
        {
            Stage(staging, final, runId, config, inputDirs, pattern, files);
        }
        catch
        {
            try { if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }

        using var runLock = RunLock.Acquire(Path.Combine(final, "run.lock"), "run");
        var state = RunState.Load(final, runsRoot);
        var plan = new ResumePlan
        {
            RunId = runId,
            RunDir = final,
            Mode = "start",
            PreviousStatus = RunStatusKind.Running,
            Phases = PhaseNames.All.Select(p => new PhaseDecision(p, PhaseAction.Run, "new_run")).ToList(),
        };
        return Execute(state, plan, runLock, isNew: true, clearFrameRecords: false, request.Parallelism, cancellationToken, toPhase: toPhase);
    }

    // The request's config, frozen with what the request adds to it: its file pattern and calibration paths (absolute).
    private static (TileConfig Config, string Pattern) RequestConfig(StartRequest request)
    {
        TileConfig config;
        try
        {
            config = request.ConfigPath is null ? TileConfig.Default : TileConfig.Load(Path.GetFullPath(request.ConfigPath));
        }
        catch (ConfigValidationException e)
        {
            throw new TileRunException(RunErrorIds.ConfigInvalid, e.Message, e);
        }
        var pattern = request.Pattern ?? config.Get(ConfigKeys.Input.Pattern);
        if (request.Pattern is not null) config = config.With(ConfigKeys.Input.Pattern, pattern);
        // Calibration folders given with the request are frozen into the run's config as absolute paths.
        foreach (var (key, path) in new[] { (ConfigKeys.Calibration.Bias, request.BiasPath), (ConfigKeys.Calibration.Darks, request.DarkPath),
                     (ConfigKeys.Calibration.Flats, request.FlatPath), (ConfigKeys.Calibration.DarkFlats, request.DarkFlatPath) })
        {
            if (path is null) continue;
            var full = Path.GetFullPath(path);
            if (!File.Exists(full) && !Directory.Exists(full))
                throw new TileRunException(RunErrorIds.InputNotFound, $"{key.Path}: '{full}' is neither a folder of calibration frames nor a master FITS file.");
            config = config.With(key, full);
        }
        return (config, pattern);
    }

    // The frames to stack from the input folders (each taken to the lights folder it holds); refuses an empty set
    // and two frames of the same name.
    private static (List<string> LightDirs, List<string> Files) FramesOf(List<string> inputDirs, string pattern)
    {
        inputDirs = inputDirs.Select(dir => InputScanner.LightsFolder(dir, pattern)).Distinct(StringComparer.Ordinal).ToList();
        var files = inputDirs.SelectMany(dir => InputScanner.FindFrames(dir, pattern)).ToList();
        if (files.Count == 0)
            throw new TileRunException(RunErrorIds.InputNotFound, $"no files matching '{pattern}' in '{string.Join("', '", inputDirs)}'.");
        // Work files are named after the frames: two folders with the same file name would overwrite each other's.
        if (files.GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } clash)
            throw new TileRunException(RunErrorIds.InputNotFound,
                $"the frame name '{clash.Key}' is in more than one input folder ({string.Join(", ", clash.Select(f => Path.GetDirectoryName(f)))}); " +
                "frames stacked together need distinct names: rename one night's frames, or stack the folders in separate runs.");
        return (inputDirs, files);
    }

    private static void Stage(string staging, string final, string runId, TileConfig config, List<string> inputDirs, string pattern, IReadOnlyList<string> files)
    {
        Directory.CreateDirectory(Path.Combine(staging, "logs"));
        Directory.CreateDirectory(Path.Combine(staging, "state"));
        File.WriteAllText(Path.Combine(staging, "config.yaml"), config.CanonicalYaml, new UTF8Encoding(false));
        FaultInjection.DiskFull("start:staging");
        var now = DateTime.UtcNow;
        var info = new RunInfo
        {
            RunId = runId,
            Created = now,
            EngineVersion = EngineInfo.Version,
            InputDir = inputDirs[0],
            InputDirs = inputDirs.Count > 1 ? inputDirs.ToList() : null,
            Pattern = pattern,
            ConfigHash = config.Hash,
            Frames = files.Select(f =>
            {
                // A folder whose name matches the pattern is kept (size -1) so that the scan can say why it is not read.
                if (Directory.Exists(f))
                    return new InputFrame { Path = Path.GetFullPath(f), Size = -1, LastWriteUtc = Directory.GetLastWriteTimeUtc(f) };
                var fi = new FileInfo(f);
                return new InputFrame { Path = fi.FullName, Size = fi.Length, LastWriteUtc = fi.LastWriteTimeUtc };
            }).ToList(),
            Summary = new RunSummary { Status = "Running", Started = now },
        };
        info.Save(Path.Combine(staging, "run.json"));
        try
        {
            Directory.Move(staging, final);
        }
        catch (IOException) when (Directory.Exists(final) || File.Exists(final))
        {
            // Another start with the same run id renamed its folder into place first.
            throw new TileRunException(RunErrorIds.RunExists,
                $"a run named '{runId}' was created in '{Path.GetDirectoryName(final)}' by another process at the same moment; choose another run id.");
        }
    }

    private static PhaseId? ParsePhase(string? text)
    {
        if (text is null) return null;
        if (!PhaseNames.TryParse(text, out var phase))
            throw new TileRunException(RunErrorIds.InvalidPhase, $"'{text}' is not a phase; accepted values: {PhaseNames.Accepted}.");
        return phase;
    }

    private RunOutcome Execute(RunState state, ResumePlan plan, RunLock runLock, bool isNew, bool clearFrameRecords, int parallelism,
        CancellationToken external, bool onlyFailedFrames = false, PhaseId? toPhase = null)
    {
        var paths = state.Paths;
        var info = state.Info;
        AtomicFile.SweepPartials(paths.Root);
        AtomicFile.TryDelete(paths.CancelRequest);
        var previousAttempts = Math.Max(info.Lineage.Count, EventLogReader.ReadAll(paths.Events).Select(e => e.Attempt).DefaultIfEmpty(0).Max());
        var attempt = previousAttempts + 1;
        var workers = parallelism > 0 ? parallelism : state.Config.Get(ConfigKeys.RuntimeLimits.ParallelWorkers) is > 0 and var w ? w : Environment.ProcessorCount;

        using var log = EventLogWriter.Open(paths.Events, info.RunId, attempt);
        log.EventWritten += e => EventWritten?.Invoke(e);
        var watch = Stopwatch.StartNew();
        var entry = BeginAttempt(info, paths, plan, isNew, attempt);
        Announce(log, info, plan, isNew, attempt, runLock);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(external);
        using var cancelWatch = new Timer(_ =>
        {
            if (File.Exists(paths.CancelRequest)) cancel.Cancel();
        }, null, 200, 200);
        var result = RunPlan(state, plan, log, runLock, attempt, workers, clearFrameRecords, onlyFailedFrames, toPhase, cancel.Token);
        if (result.LockLost) return new RunOutcome { RunId = info.RunId, RunDir = paths.Root, Status = "error", Error = result.Error, Attempt = attempt };
        return FinishAttempt(state, log, entry, watch, result, attempt);
    }

    // How the planned phases went: the status, its error, the phase that was running when it ended, where a
    // --to-phase stop came, and whether the lock was lost (then nothing more may be written).
    private sealed record PlanResult(string Status, string? Error, PhaseId? Running, PhaseId? StoppedAfter, bool LockLost = false);

    // The attempt's lineage entry, recorded with the run's status Running before any phase starts.
    private static LineageEntry BeginAttempt(RunInfo info, RunPaths paths, ResumePlan plan, bool isNew, int attempt)
    {
        var entry = new LineageEntry
        {
            Attempt = attempt,
            ParentAttempt = attempt > 1 ? attempt - 1 : null,
            Started = DateTime.UtcNow,
            Mode = plan.Mode,
            FromPhase = (int?)plan.FirstToRun,
            Reasons = plan.Phases.Where(p => p.Action != PhaseAction.Skip).Take(1)
                .Select(p => p.Detail is null ? p.Reason : $"{p.Reason}: {p.Detail}").ToList(),
            PreviousStatus = isNew ? null : plan.PreviousStatus.ToString(),
            Host = Environment.MachineName,
            EngineVersion = EngineInfo.Version,
        };
        info.Lineage.Add(entry);
        info.Summary.Status = "Running";
        info.Summary.Error = null;
        if (info.Summary.Started == default) info.Summary.Started = entry.Started;
        info.Save(paths.RunJson);
        return entry;
    }

    // run_start or run_resume, and the warnings about how the run was found.
    private static void Announce(EventLogWriter log, RunInfo info, ResumePlan plan, bool isNew, int attempt, RunLock runLock)
    {
        if (isNew)
        {
            log.Append("run_start", new JsonObject
            {
                ["input_dir"] = info.InputDir,
                ["input_dirs"] = new JsonArray((info.InputDirs ?? new List<string> { info.InputDir }).Select(d => (JsonNode?)d).ToArray()),
                ["frames"] = info.Frames.Count,
                ["config_hash"] = info.ConfigHash,
                ["engine_version"] = EngineInfo.Version,
                ["host"] = Environment.MachineName,
            });
        }
        else
        {
            log.Append("run_resume", new JsonObject
            {
                ["from_phase"] = (int?)(plan.FromPhase ?? plan.FirstToRun),
                ["mode"] = plan.Mode,
                ["previous_status"] = plan.PreviousStatus.ToString().ToLowerInvariant(),
                ["parent_attempt"] = attempt - 1,
            });
        }
        if (runLock.TakenOverFrom is { } old)
            log.Append("warning", new JsonObject { ["code"] = "stale_lock_taken_over", ["message"] = $"took over the lock left by {old.Describe()}" });
        if (log.RepairedTornLineAt is { } offset)
            log.Append("warning", new JsonObject { ["code"] = "log_torn_line", ["message"] = $"the event log ended in a torn line at byte {offset}; continuing on a new line" });
        log.Sync();
    }

    private PlanResult RunPlan(RunState state, ResumePlan plan, EventLogWriter log, RunLock runLock, int attempt, int workers, bool clearFrameRecords,
        bool onlyFailedFrames, PhaseId? toPhase, CancellationToken token)
    {
        var status = "ok";
        string? error = null;
        PhaseId? running = null;
        int? memoryWorkers = null;
        PhaseId? stoppedAfter = null;
        try
        {
            foreach (var decision in plan.Phases)
            {
                var p = decision.Phase;
                token.ThrowIfCancellationRequested();
                if (toPhase is { } last && p > last)
                {
                    stoppedAfter = last;
                    break;
                }
                if (ResumePlanner.ModeSkipped(state, p))
                {
                    Retire(state, p, attempt);
                    EmitSkip(log, p, "reduced_mode", null);
                    continue;
                }
                if (decision.Action == PhaseAction.Skip)
                {
                    EmitSkip(log, p, decision.Reason, decision.Reason == "resume_from_phase" ? plan.FromPhase : null);
                    continue;
                }
                if (decision.Action == PhaseAction.RunUnlessUnchanged && _planner.Quick(state, p, checkFingerprint: true) is null)
                {
                    EmitSkip(log, p, "upstream_unchanged", null);
                    continue;
                }
                running = p;
                if (p != PhaseId.ScanInput) memoryWorkers ??= FitWorkers(state, workers, log);
                // --only-failed-frames concerns the phase the resume starts at; later phases see new inputs.
                var retryFailedOnly = onlyFailedFrames && p == plan.FirstToRun;
                RunPhase(state, p, log, runLock, attempt, clearFrameRecords && !retryFailedOnly, memoryWorkers ?? workers, retryFailedOnly, token);
                running = null;
            }
            if (stoppedAfter is { } stop)
            {
                // Asked to stop here: the run is not finished, and a resume continues with the next phase.
                status = "cancelled";
                error = $"stopped after phase {(int)stop} {PhaseNames.Of(stop)}, as asked; a resume continues from phase {(int)stop + 1}";
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            status = "cancelled";
            error = "cancelled on request";
            if (running is { } p) EmitEnd(log, p, "cancelled", null);
            AtomicFile.SweepPartials(state.Paths.Root);
        }
        catch (LockLostException e)
        {
            // The run belongs to another process now: write nothing more.
            return new PlanResult("error", e.Message, running, stoppedAfter, LockLost: true);
        }
        catch (Exception e)
        {
            status = "error";
            error = Cause(e).Message;
            if (running is { } p) EmitEnd(log, p, "error", e);
        }
        return new PlanResult(status, error, running, stoppedAfter);
    }

    // run_end, the lineage entry's end and the run's summary.
    private static RunOutcome FinishAttempt(RunState state, EventLogWriter log, LineageEntry entry, Stopwatch watch, PlanResult result, int attempt)
    {
        var paths = state.Paths;
        var info = state.Info;
        var (status, error, running, stoppedAfter, _) = result;
        var output = status == "ok" && state.Manifest(PhaseId.Stacking) is { } stack
            ? stack.Artifacts.Where(a => a.Path.EndsWith("stacked.fit", StringComparison.Ordinal)).Select(a => paths.Resolve(a.Path)).FirstOrDefault()
            : null;
        var end = new JsonObject
        {
            ["success"] = status == "ok",
            ["status"] = status,
            ["duration_s"] = Math.Round(watch.Elapsed.TotalSeconds, 3),
            ["output"] = output,
        };
        if (error is not null) end["error"] = error;
        AtomicFile.TryDelete(paths.CancelRequest);
        log.Append("run_end", end);
        log.Sync();

        entry.Ended = DateTime.UtcNow;
        entry.Result = status;
        var summary = info.Summary;
        summary.Status = status switch { "ok" => "Completed", "cancelled" => "Cancelled", _ => "Failed" };
        summary.Ended = entry.Ended;
        summary.DurationSeconds += watch.Elapsed.TotalSeconds;
        summary.Output = output;
        summary.Error = status == "error" ? error : null;
        if (running is { } stopped)
        {
            summary.Phase = (int)stopped;
            summary.PhaseName = PhaseNames.Of(stopped);
        }
        UpdateSummary(state);
        info.Save(paths.RunJson);
        return new RunOutcome { RunId = info.RunId, RunDir = paths.Root, Status = status, Output = output, Error = error, Attempt = attempt, StoppedAfter = stoppedAfter };
    }

    // Once the frame size is known (phase 0), as many frames are worked on at once as the memory limit allows.
    private static int FitWorkers(RunState state, int workers, EventLogWriter log)
    {
        var facts = state.Manifest(PhaseId.ScanInput)?.Facts;
        if (facts is null || !long.TryParse(facts.GetValueOrDefault("width"), out var width) || !long.TryParse(facts.GetValueOrDefault("height"), out var height))
            return workers;
        var drizzle = state.Config.Get(ConfigKeys.Drizzle.Mode) == "off" ? 1 : state.Config.Get(ConfigKeys.Drizzle.Scale);
        var limit = MemoryPlan.LimitBytes(state.Config);
        var fit = MemoryPlan.Workers(width, height, drizzle, workers, (long)state.Config.Get(ConfigKeys.RuntimeLimits.MemoryBudgetMiB) << 20, limit);
        if (fit < workers)
            log.Append("warning", new JsonObject
            {
                ["code"] = "memory_limited_workers",
                ["message"] = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{fit} of {workers} workers, so that frames of {width} x {height} px stay within {limit / (double)(1L << 30):0.0} GiB (runtime_limits.max_memory)"),
            });
        return fit;
    }

    private void RunPhase(RunState state, PhaseId p, EventLogWriter log, RunLock runLock, int attempt, bool clearFrameRecords, int workers,
        bool onlyFailedFrames, CancellationToken token)
    {
        var phase = _phases[p];
        var paths = state.Paths;
        Retire(state, p, attempt);
        var calibration = phase.ReadsCalibrationFrames ? Fingerprints.CalibrationDigest(phase, state.Config, state.Info) : null;
        var fingerprint = Fingerprints.Compute(phase, state.Config, state.Info, up => ResumePlanner.UpstreamDigest(state, up), calibration);
        var frames = new FrameRecordStore(paths.FrameRecords((int)p), fingerprint, paths, acceptOtherFingerprints: onlyFailedFrames);
        if (clearFrameRecords) frames.Clear();
        log.Append("phase_start", new JsonObject { ["phase"] = (int)p, ["phase_name"] = PhaseNames.Of(p) });
        FaultInjection.Kill($"phase{(int)p}:start");
        var watch = Stopwatch.StartNew();
        var retries = state.Config.Get(ConfigKeys.RuntimeLimits.IoRetries);
        PhaseContext context;
        for (var tryNumber = 0; ; tryNumber++)
        {
            context = new PhaseContext(p, paths, state.Info, new ConfigView(state.Config, p, phase.ConfigKeys), log,
                runLock.EnsureHeld, state.Manifest, frames, workers, phase.Reads, token) { RetryExcludedFrames = onlyFailedFrames };
            try
            {
                phase.Run(context);
                break;
            }
            catch (Exception e) when (IsTransient(Cause(e)) && tryNumber < retries && !token.IsCancellationRequested)
            {
                log.Append("warning", new JsonObject
                {
                    ["code"] = "io_retry",
                    ["phase"] = (int)p,
                    ["attempt"] = tryNumber + 1,
                    ["message"] = $"transient error, running the phase again ({tryNumber + 1} of {retries}): {Cause(e).Message}",
                });
                // Exponential backoff with jitter, so that runs sharing a busy disk or share do not retry in step.
                var backoff = state.Config.Get(ConfigKeys.RuntimeLimits.RetryBackoffMs) * (1 << Math.Min(tryNumber, 10));
                token.WaitHandle.WaitOne(backoff + Random.Shared.Next(backoff / 2 + 1));
                token.ThrowIfCancellationRequested();
            }
            catch (Exception e)
            {
                e.Data[TriesKey] = tryNumber + 1;
                throw;
            }
        }
        token.ThrowIfCancellationRequested();
        FaultInjection.Kill($"phase{(int)p}:before_manifest");
        var manifest = Manifest(state, phase, p, fingerprint, calibration, context, attempt, watch.Elapsed);
        runLock.EnsureHeld();
        log.Sync();
        manifest.Save(paths.Manifest((int)p));
        state.SetManifest(p, manifest);
        FaultInjection.Kill($"phase{(int)p}:after_manifest");
        log.Append("phase_end", new JsonObject
        {
            ["phase"] = (int)p,
            ["phase_name"] = PhaseNames.Of(p),
            ["status"] = "ok",
            ["duration_s"] = manifest.DurationSeconds,
        });
        log.Sync();
        UpdateSummary(state);
        state.Info.Summary.Phase = (int)p;
        state.Info.Summary.PhaseName = PhaseNames.Of(p);
        state.Info.Save(paths.RunJson);
        FaultInjection.Kill($"phase{(int)p}:end");
    }

    // What a finished phase leaves as proof: its inputs' and config's fingerprint, its artifacts' hashes and its facts.
    private static PhaseManifest Manifest(RunState state, IPipelinePhase phase, PhaseId p, string fingerprint, string? calibration, PhaseContext context,
        int attempt, TimeSpan elapsed)
    {
        var artifacts = context.Artifacts.OrderBy(a => a.Path, StringComparer.Ordinal).ToList();
        var manifest = new PhaseManifest
        {
            Phase = (int)p,
            PhaseName = PhaseNames.Of(p),
            AlgoVersion = phase.AlgoVersion,
            Fingerprint = fingerprint,
            Config = Fingerprints.ConfigValues(phase, state.Config),
            Upstream = new SortedDictionary<string, string>(phase.Reads.ToDictionary(r => ((int)r).ToString(System.Globalization.CultureInfo.InvariantCulture),
                r => ResumePlanner.UpstreamDigest(state, r) ?? "missing"), StringComparer.Ordinal),
            Artifacts = artifacts,
            OutputDigest = PhaseManifest.DigestOf(artifacts),
            Attempt = attempt,
            DurationSeconds = Math.Round(elapsed.TotalSeconds, 3),
            Completed = DateTime.UtcNow,
            EngineVersion = EngineInfo.Version,
            Facts = calibration is null ? context.Facts : new SortedDictionary<string, string>(context.Facts, StringComparer.Ordinal) { [Fingerprints.CalibrationFact] = calibration },
        };
        return manifest;
    }

    private static void UpdateSummary(RunState state)
    {
        var s = state.Info.Summary;
        var manifests = PhaseNames.All.Select(state.Manifest).OfType<PhaseManifest>().ToList();
        s.CompletedPhases = manifests.Count;
        s.SizeBytes = manifests.Sum(m => m.TotalBytes);
        var facts = state.Manifest(PhaseId.Registration)?.Facts ?? state.Manifest(PhaseId.ScanInput)?.Facts;
        if (facts is not null)
        {
            if (facts.TryGetValue(RunModes.UsableFramesFact, out var used) && int.TryParse(used, out var u)) s.FramesUsed = u;
            if (facts.TryGetValue("excluded_frames", out var ex) && int.TryParse(ex, out var x)) s.FramesExcluded = x;
        }
        s.Validation = state.Manifest(PhaseId.Stacking)?.Facts.GetValueOrDefault("validation");
        s.Calibration = state.Manifest(PhaseId.Registration)?.Facts.GetValueOrDefault("calibration");
        s.Object = state.Manifest(PhaseId.ScanInput)?.Facts.GetValueOrDefault("object");
    }

    private static void Retire(RunState state, PhaseId p, int attempt)
    {
        var path = state.Paths.Manifest((int)p);
        if (File.Exists(path))
        {
            var superseded = Path.Combine(state.Paths.State, "superseded");
            Directory.CreateDirectory(superseded);
            File.Move(path, Path.Combine(superseded, $"phase-{(int)p:D2}.attempt-{attempt}.json"), overwrite: true);
        }
        state.SetManifest(p, null);
    }

    private static void EmitSkip(EventLogWriter log, PhaseId p, string reason, PhaseId? resumeFrom)
    {
        log.Append("phase_start", new JsonObject { ["phase"] = (int)p, ["phase_name"] = PhaseNames.Of(p) });
        var end = new JsonObject
        {
            ["phase"] = (int)p,
            ["phase_name"] = PhaseNames.Of(p),
            ["status"] = "skipped",
            ["duration_s"] = 0.0,
            ["reason"] = reason,
        };
        if (resumeFrom is { } from) end["resume_from"] = (int)from;
        log.Append("phase_end", end);
    }

    private static void EmitEnd(EventLogWriter log, PhaseId p, string status, Exception? e)
    {
        var end = new JsonObject { ["phase"] = (int)p, ["phase_name"] = PhaseNames.Of(p), ["status"] = status };
        if (e is not null)
        {
            var cause = Cause(e);
            // The whole exception with every stack trace: what a bug report needs, in the run's own log.
            end["error"] = new JsonObject { ["type"] = cause.GetType().Name, ["message"] = cause.Message, ["stack_trace"] = e.ToString() };
            if (e.Data[TriesKey] is int tries) end["tries"] = tries;
        }
        log.Append("phase_end", end);
    }

    // What went wrong in a parallel loop is the single exception inside the AggregateException, not the wrapper.
    private static Exception Cause(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } a) e = a.InnerExceptions[0];
        return e;
    }

    private void CheckInputs(RunState state, ResumePlan plan)
    {
        var needsInputs = plan.Phases.Any(d => d.Action != PhaseAction.Skip && _phases[d.Phase].ReadsInputFrames);
        if (!needsInputs) return;
        var changed = new List<string>();
        foreach (var f in state.Info.Frames)
        {
            if (f.Size < 0)
            {
                if (!Directory.Exists(f.Path)) changed.Add($"{Path.GetFileName(f.Path)} (missing)");
                continue;
            }
            var fi = new FileInfo(f.Path);
            if (!fi.Exists) changed.Add($"{Path.GetFileName(f.Path)} (missing)");
            else if (fi.Length != f.Size || fi.LastWriteTimeUtc != f.LastWriteUtc) changed.Add($"{Path.GetFileName(f.Path)} (modified)");
        }
        if (changed.Count > 0)
            throw new TileRunException(RunErrorIds.InputChanged,
                $"input frames changed since the run started: {string.Join(", ", changed.Take(10))}{(changed.Count > 10 ? $" and {changed.Count - 10} more" : "")}. Start a new run for the changed input.");
    }

    // Faults that may pass if the phase runs again: I/O trouble (a busy share, a full disk being cleared) and
    // timeouts. Compute errors, bad data and missing files are never retried.
    private static bool IsTransient(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException or EndOfStreamException or PathTooLongException => false,
        IOException or TimeoutException => true,
        _ => false,
    };

    private const string TriesKey = "tilecompile.tries";

    private static string Describe(ResumeRequest r) =>
        "resume" + (r.FromPhase is null ? "" : $" --from-phase {r.FromPhase}") + (r.Force ? " --force" : "");

    private static string HintsRoot(ResumeRequest r) =>
        r.RunsRoot ?? Path.GetDirectoryName(Path.GetFullPath(r.RunDir)) ?? Environment.CurrentDirectory;
}
