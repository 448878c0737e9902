using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.FrontEnd;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Contracts;

namespace TileCompile.Cli;

/// <summary>run, resume, status, list and events: the run lifecycle on the command line.</summary>
internal static class RunCommands
{
    public static Command Run()
    {
        var input = new Option<string[]>("--input-dir") { Description = "Folder with the light frames; give it more than once to stack several nights in one run.", Required = true };
        var config = new Option<string?>("--config") { Description = "Configuration file (default: built-in defaults)." };
        var runsDir = new Option<string?>("--runs-dir") { Description = "Runs root (default: the config's run_dir, else ./runs)." };
        var runId = new Option<string?>("--run-id") { Description = "Name of the run directory instead of a generated id." };
        var pattern = new Option<string?>("--pattern") { Description = "File pattern(s), ';'-separated (default: input.pattern)." };
        var resume = new Option<bool>("--resume") { Description = "Resume the latest failed or interrupted run of this input and config instead of starting fresh." };
        var force = new Option<bool>("--force") { Description = "Always start a fresh run (overrides resume.auto)." };
        var threads = new Option<int>("--threads") { Description = "Worker threads (0 = one per core); results never depend on it." };
        var toPhase = ToPhaseOption();
        var json = Cli.JsonOption();
        var bias = new Option<string?>("--bias") { Description = "Bias frames: a folder or a master FITS file (calibration.bias)." };
        var darks = new Option<string?>("--darks") { Description = "Darks at the lights' exposure: a folder or a master file (calibration.darks)." };
        var flats = new Option<string?>("--flats") { Description = "Flat fields: a folder or a master file (calibration.flats)." };
        var darkflats = new Option<string?>("--darkflats") { Description = "Darks at the flats' exposure: a folder or a master file (calibration.darkflats)." };
        var command = new Command("run", "Start a run on a folder of light frames.") { input, config, runsDir, runId, pattern, bias, darks, flats, darkflats, resume, force, threads, toPhase, json };
        command.SetAction((parse, token) => Cli.GuardAsync(parse.GetValue(json), async () =>
        {
            var runner = StandardPhases.Runner();
            var printer = new EventPrinter(parse.GetValue(json));
            runner.EventWritten += printer.Print;
            var outcome = await Task.Run(() => runner.Start(new StartRequest
            {
                InputDir = parse.GetValue(input)![0],
                MoreInputDirs = parse.GetValue(input)![1..],
                ConfigPath = parse.GetValue(config),
                RunsRoot = parse.GetValue(runsDir),
                RunId = parse.GetValue(runId),
                Pattern = parse.GetValue(pattern),
                BiasPath = parse.GetValue(bias),
                DarkPath = parse.GetValue(darks),
                FlatPath = parse.GetValue(flats),
                DarkFlatPath = parse.GetValue(darkflats),
                ResumeIfPossible = parse.GetValue(resume),
                ForceNew = parse.GetValue(force),
                Parallelism = parse.GetValue(threads),
                ToPhase = parse.GetValue(toPhase),
            }, token), CancellationToken.None);
            return printer.Finish(outcome);
        }));
        return command;
    }

    public static Command Resume()
    {
        var runArgument = new Argument<string?>("run") { Description = "The run directory (or give it with --run-dir).", Arity = ArgumentArity.ZeroOrOne };
        var runDir = new Option<string?>("--run-dir") { Description = "The run directory." };
        var from = new Option<string?>("--from-phase") { Description = "Phase number (0-10) or name (e.g. STACKING) to restart from; default: automatic." };
        var force = new Option<bool>("--force") { Description = "Start again from phase 0 in the same run directory." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan (skip / re-run / why) and change nothing." };
        var onlyFailed = new Option<bool>("--only-failed-frames") { Description = "Per-frame phases keep their successful frames and redo only the excluded ones." };
        var threads = new Option<int>("--threads") { Description = "Worker threads (0 = one per core)." };
        var toPhase = ToPhaseOption();
        var json = Cli.JsonOption();
        var command = new Command("resume", "Resume a failed or cancelled run (killed ones included), or re-run phases of a run.") { runArgument, runDir, from, toPhase, force, dryRun, onlyFailed, threads, json };
        command.SetAction((parse, token) => Cli.GuardAsync(parse.GetValue(json), async () =>
        {
            var runner = StandardPhases.Runner();
            var given = parse.GetValue(runArgument) ?? parse.GetValue(runDir)
                ?? throw new ArgumentException("give the run directory: resume RUN_DIR (or --run-dir RUN_DIR)");
            var request = new ResumeRequest
            {
                RunDir = Path.GetFullPath(given),
                FromPhase = parse.GetValue(from),
                Force = parse.GetValue(force),
                OnlyFailedFrames = parse.GetValue(onlyFailed),
                Parallelism = parse.GetValue(threads),
                ToPhase = parse.GetValue(toPhase),
            };
            if (parse.GetValue(dryRun))
            {
                PrintPlan(runner.PlanResume(request), parse.GetValue(json));
                return 0;
            }
            var printer = new EventPrinter(parse.GetValue(json));
            runner.EventWritten += printer.Print;
            try
            {
                var outcome = await Task.Run(() => runner.Resume(request, token), CancellationToken.None);
                return printer.Finish(outcome with { Resumed = true });
            }
            catch (TileRunException e) when (e.ErrorId == RunErrorIds.AlreadyCompleted && request.FromPhase is null && !request.Force)
            {
                // The early success of the resume specification: a finished run with nothing changed needs no work.
                return printer.NothingToDo(request.RunDir, e.Message);
            }
        }));
        return command;
    }

    private static Option<string?> ToPhaseOption() => new("--to-phase")
    {
        Description = "Stop after this phase (number 0-10 or name); the run ends Cancelled and a resume continues from the next phase.",
    };

    public static Command Status()
    {
        var run = new Argument<string>("run") { Description = "The run directory." };
        var json = Cli.JsonOption();
        var command = new Command("status", "Show a run's status, phases, lineage and how to resume it.") { run, json };
        command.SetAction(parse => Cli.Guard(parse.GetValue(json), () =>
        {
            var dir = Path.GetFullPath(parse.GetValue(run)!);
            RunPaths.Require(dir);
            var s = RunStatusReader.Read(dir);
            if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(WithResumeCommand(s), Cli.Json));
            else PrintStatus(s);
            return 0;
        }));
        return command;
    }

    public static Command Verify()
    {
        var run = new Argument<string>("run") { Description = "The run directory." };
        var json = Cli.JsonOption();
        var command = new Command("verify", "Re-hash every artifact and output of a run against its manifests (exit code 1 when something is damaged).") { run, json };
        command.SetAction((parse, token) => Cli.GuardAsync(parse.GetValue(json), async () =>
        {
            var dir = Path.GetFullPath(parse.GetValue(run)!);
            var report = await Task.Run(() => RunVerifier.Verify(dir, token), token);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    run_id = report.RunId,
                    run_dir = report.RunDir,
                    intact = report.IsIntact,
                    first_damaged_phase = (int?)report.FirstDamaged,
                    phases = report.Phases.Select(p => new { phase = (int)p.Phase, name = p.Name, status = p.Status, artifacts = p.Artifacts, problems = p.Problems }),
                }, Cli.Json));
            }
            else
            {
                Console.WriteLine($"Run {report.RunId}: {(report.IsIntact ? "intact" : "DAMAGED")}");
                foreach (var p in report.Phases)
                {
                    Console.WriteLine($"  {(int)p.Phase,2} {p.Name,-20} {p.Status,-16} {p.Artifacts,5} artifacts");
                    foreach (var problem in p.Problems) Console.WriteLine($"       {problem.Path}: {problem.Detail}");
                }
                if (report.FirstDamaged is { } first)
                    Console.WriteLine($"A resume runs phase {(int)first} {PhaseNames.Of(first)} again: {CommandName.Resume(report.RunDir)}");
            }
            return report.IsIntact ? 0 : 1;
        }));
        return command;
    }

    public static Command List()
    {
        var root = new Argument<string?>("root") { Description = "Runs root (default ./runs).", Arity = ArgumentArity.ZeroOrOne };
        var status = new Option<string[]>("--status") { Description = "Only runs with this status (Running, Completed, Failed, Cancelled); killed or crashed runs are Failed.", AllowMultipleArgumentsPerToken = true };
        var last = new Option<int?>("--last") { Description = "Only the newest N runs." };
        var since = new Option<DateTimeOffset?>("--since") { Description = "Only runs started at or after this time." };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Only runs started before this time." };
        var id = new Option<string?>("--id") { Description = "Wildcard pattern on the run id." };
        var inputFilter = new Option<string?>("--input") { Description = "Wildcard pattern on the input folder, e.g. '*M31*' or '*2026-12-01*'." };
        var objectFilter = new Option<string?>("--object") { Description = "Wildcard pattern on the target the frames name (OBJECT), e.g. 'M 31' or 'NGC*'." };
        var json = Cli.JsonOption();
        var command = new Command("list", "List runs, newest first.") { root, status, last, since, until, id, inputFilter, objectFilter, json };
        command.SetAction(parse => Cli.Guard(parse.GetValue(json), () =>
        {
            var dir = Path.GetFullPath(parse.GetValue(root) ?? "runs");
            var statuses = new List<RunStatusKind>();
            foreach (var s in parse.GetValue(status) ?? Array.Empty<string>())
            {
                if (!Enum.TryParse<RunStatusKind>(s, ignoreCase: true, out var k))
                    throw new ArgumentException($"'{s}' is not a status; expected one of {string.Join(", ", Enum.GetNames<RunStatusKind>())}");
                statuses.Add(k);
            }
            var runs = RunCatalog.List(dir, new RunQuery
            {
                Status = statuses,
                Newest = parse.GetValue(last),
                Since = parse.GetValue(since),
                Until = parse.GetValue(until),
                IdPattern = parse.GetValue(id),
                InputPattern = parse.GetValue(inputFilter),
                ObjectPattern = parse.GetValue(objectFilter),
            });
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(runs.Select(WithResumeCommand).ToList(), Cli.Json));
                return 0;
            }
            if (runs.Count == 0)
            {
                var all = RunCatalog.List(dir).Count;
                Console.WriteLine(all == 0 ? $"No runs under {dir}." : $"No run under {dir} matches; {all} run(s) there in all ({CommandName.Current} list without filters shows them).");
                return 0;
            }
            Console.WriteLine($"{"RunId",-28} {"Status",-11} {"Phase",-22} {"Frames",6} {"Started",-20} {"Duration",9}");
            foreach (var r in runs)
            {
                var phase = r.Phase is { } p ? $"{p} {r.PhaseName}" : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.RunId,-28} {r.Status,-11} {phase,-22} {r.FrameCount,6} {r.Started?.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {FormatDuration(r.Duration),9}"));
            }
            return 0;
        }));
        return command;
    }

    public static Command Events()
    {
        var run = new Argument<string>("run") { Description = "The run directory." };
        var follow = new Option<bool>("--follow") { Description = "Keep printing new events until the run ends (Ctrl+C stops)." };
        var json = Cli.JsonOption();
        var command = new Command("events", "Print a run's events.") { run, follow, json };
        command.SetAction((parse, token) => Cli.GuardAsync(parse.GetValue(json), async () =>
        {
            var dir = Path.GetFullPath(parse.GetValue(run)!);
            var paths = new RunPaths(dir);
            RunPaths.Require(dir);
            var printer = new EventPrinter(parse.GetValue(json), verbose: true);
            if (!parse.GetValue(follow))
            {
                foreach (var e in EventLogReader.ReadAll(paths.Events)) printer.Print(e);
                return 0;
            }
            await foreach (var e in EventLogReader.FollowRun(paths, cancellationToken: token))
                printer.Print(e);
            return 0;
        }));
        return command;
    }

    private static void PrintPlan(ResumePlan plan, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                run_id = plan.RunId,
                run_dir = plan.RunDir,
                mode = plan.Mode,
                from_phase = (int?)plan.FromPhase,
                previous_status = plan.PreviousStatus.ToString(),
                phases = plan.Phases.Select(p => new
                {
                    phase = (int)p.Phase,
                    phase_name = p.PhaseName,
                    action = PlanVocabulary.Action(p.Action),
                    reason = p.Reason,
                    detail = p.Detail,
                    last_duration_s = p.LastDurationSeconds,
                }),
            }, Cli.Json));
            return;
        }
        Console.WriteLine($"Plan for {plan.RunId} ({plan.Mode}, currently {plan.PreviousStatus}); nothing is changed:");
        foreach (var p in plan.Phases)
        {
            var action = PlanVocabulary.Action(p.Action);
            var detail = p.Detail is null ? "" : $" ({p.Detail})";
            Console.WriteLine($"  {(int)p.Phase,2} {p.PhaseName,-20} {action,-21} {p.Reason}{detail}");
        }
    }

    private static RunSnapshot WithResumeCommand(RunSnapshot s) =>
        s.IsResumable ? s with { ResumeCommand = CommandName.Resume(s.Path) } : s;

    private static void PrintStatus(RunSnapshot s)
    {
        var phase = s.Phase is { } p ? $" (phase {p} {s.PhaseName})" : "";
        Console.WriteLine($"Run {s.RunId}: {s.Status}{phase}");
        Console.WriteLine($"  Path:     {s.Path}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Started:  {s.Started?.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z   Duration: {FormatDuration(s.Duration)}"));
        Console.WriteLine($"  Frames:   {s.FrameCount}{(s.FramesUsed is { } u ? $" (used {u}, excluded {s.FramesExcluded ?? 0})" : "")}");
        if (s.OutputPath is not null) Console.WriteLine($"  Output:   {s.OutputPath}");
        if (s.Error is not null) Console.WriteLine($"  Error:    {s.Error}");
        if (s.LockHolder is { } h) Console.WriteLine($"  Held by:  {h.Describe()}");
        Console.WriteLine("  Phases:");
        foreach (var ph in s.Phases)
        {
            var duration = ph.DurationSeconds is { } d ? d.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "";
            var failures = ph.Failures > 0 ? $" (failed {ph.Failures}×)" : "";
            Console.WriteLine($"    {ph.Phase,2} {ph.Name,-20} {ph.Status,-12} {duration,9} {ph.Detail}{failures}");
        }
        if (s.Lineage.Count > 0)
        {
            Console.WriteLine("  Attempts:");
            foreach (var l in s.Lineage)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {l.Attempt}: {l.Started:yyyy-MM-dd HH:mm:ss}Z {l.Mode,-8} from {(l.FromPhase?.ToString(CultureInfo.InvariantCulture) ?? "-"),-3} {l.Result ?? "(no end)"} {string.Join("; ", l.Reasons)}"));
        }
        if (s.RetryBlocked is not null) Console.WriteLine($"  Retries:  {s.RetryBlocked}");
        if (s.IsResumable) Console.WriteLine($"  Resume:   {CommandName.Resume(s.Path)}");
    }

    internal static string FormatDuration(TimeSpan? d) =>
        d is not { } t ? "" : t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
}

/// <summary>Prints engine events as they happen: JSON lines with --json, short human lines otherwise.</summary>
internal sealed class EventPrinter
{
    private readonly bool _json;
    private readonly bool _verbose;
    private readonly object _gate = new();

    public EventPrinter(bool json, bool verbose = false)
    {
        _json = json;
        _verbose = verbose;
    }

    public void Print(RunEvent e)
    {
        lock (_gate)
        {
            if (_json)
            {
                Console.WriteLine(e.Json);
                return;
            }
            var text = e.Type switch
            {
                "run_start" => $"Run {e.RunId}: {EventDescriptions.Describe(e)}",
                "run_resume" => $"Resuming {e.RunId} ({EventDescriptions.Describe(e)})",
                "phase_start" => null,
                "phase_end" => $"  {e.Phase,2} {e.PhaseName,-20} {EventDescriptions.Describe(e)}",
                "warning" => $"  warning: {EventDescriptions.Describe(e)}",
                "phase_progress" or "frame_processed" => _verbose ? $"  {e.Phase,2} {e.Type} {e.Number("current") ?? e.Number("frame_idx")}/{e.Number("total") ?? e.Number("total_frames")}" : null,
                "run_end" => null,
                _ => _verbose ? e.Json : null,
            };
            if (text is not null) Console.WriteLine(text);
        }
    }

    public int Finish(RunOutcome outcome)
    {
        lock (_gate)
        {
            if (_json)
            {
                var o = new JsonObject
                {
                    ["type"] = "summary",
                    ["run_id"] = outcome.RunId,
                    ["run_dir"] = outcome.RunDir,
                    ["status"] = outcome.Status,
                    ["output"] = outcome.Output,
                    ["attempt"] = outcome.Attempt,
                    ["resumed"] = outcome.Resumed,
                };
                if (outcome.StoppedAfter is { } stop) o["stopped_after"] = (int)stop;
                else if (outcome.Error is not null) o["error"] = new JsonObject { ["id"] = outcome.Status == "cancelled" ? "Cancelled" : RunErrorIds.PhaseFailed, ["message"] = outcome.Error };
                Console.WriteLine(o.ToJsonString());
            }
            else if (outcome.Status == "ok")
            {
                Console.WriteLine($"Completed: {outcome.Output ?? outcome.RunDir}");
            }
            else if (outcome.StoppedAfter is not null)
            {
                Console.WriteLine($"Run {outcome.RunId} {outcome.Error}: {CommandName.Resume(outcome.RunDir)}");
            }
            else
            {
                Console.Error.WriteLine($"Run {outcome.RunId} {(outcome.Status == "cancelled" ? "was cancelled" : "failed")}: {outcome.Error}");
                Console.Error.WriteLine($"Resume it with: {CommandName.Resume(outcome.RunDir)}");
            }
        }
        // Stopping where asked is success.
        return outcome.Status == "ok" || outcome.StoppedAfter is not null ? 0 : 1;
    }

    /// <summary>Reports a resume that found nothing to do (exit code 0).</summary>
    public int NothingToDo(string runDir, string message)
    {
        lock (_gate)
        {
            if (_json)
                Console.WriteLine(new JsonObject
                {
                    ["type"] = "summary",
                    ["run_id"] = Path.GetFileName(runDir),
                    ["run_dir"] = runDir,
                    ["status"] = "nothing_to_do",
                    ["resumed"] = false,
                    ["message"] = message,
                }.ToJsonString());
            else
                Console.WriteLine($"Nothing to do: {message} ({CommandName.Current} resume --run-dir {CommandName.Quote(runDir)} --from-phase N, or --force)");
        }
        return 0;
    }
}
