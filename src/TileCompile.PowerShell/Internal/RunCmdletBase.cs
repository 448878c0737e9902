using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Management.Automation;

namespace TileCompile.PowerShell.Internal;

/// <summary>
/// Shared plumbing of the run cmdlets: paths resolved against PowerShell's current location, the
/// default runs root, and running the engine on a worker thread while the pipeline thread writes
/// its events, progress and errors (only that thread may).
/// </summary>
public abstract class RunCmdletBase : PSCmdlet, IDisposable
{
    /// <summary>Releases the cancellation source (PowerShell disposes a cmdlet when its pipeline ends).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the cmdlet holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing) _cancel.Dispose();
    }

    private readonly CancellationTokenSource _cancel = new();
    private volatile bool _stopping;

    /// <summary>Resolves a path the way PowerShell users expect: relative to the current location.</summary>
    protected string Resolve(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    /// <summary>
    /// Run directories named by -Path (wildcards expanded against the file system) or -LiteralPath
    /// (taken as written). A -Path without wildcards is passed on as is, so a missing run gets the
    /// engine's "run not found" error listing the recent runs.
    /// </summary>
    protected IEnumerable<string> ResolveRunPaths(IEnumerable<string>? paths, IEnumerable<string>? literalPaths)
    {
        foreach (var literal in literalPaths ?? Array.Empty<string>()) yield return Resolve(literal);
        foreach (var path in paths ?? Array.Empty<string>())
        {
            if (!WildcardPattern.ContainsWildcardCharacters(path))
            {
                yield return Resolve(path);
                continue;
            }
            Collection<string> matches;
            try
            {
                matches = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out _);
            }
            catch (ItemNotFoundException)
            {
                matches = new Collection<string>();
            }
            if (matches.Count == 0)
                WriteError(new ErrorRecord(new ItemNotFoundException($"no run directory matches '{path}'"), "RunNotFound", ErrorCategory.ObjectNotFound, path));
            foreach (var m in matches) yield return m;
        }
    }

    /// <summary>The runs root: the parameter if given, else ./runs under the current location.</summary>
    protected string RunsRootOrDefault(string? runsRoot) =>
        runsRoot is { Length: > 0 } ? Resolve(runsRoot) : RunBridge.DefaultRunsRoot(SessionState.Path.CurrentFileSystemLocation.ProviderPath);

    /// <summary>The run directories of <paramref name="runIds"/> under <paramref name="runsRoot"/> (default ./runs).</summary>
    protected IEnumerable<string> RunDirectories(IEnumerable<string> runIds, string? runsRoot)
    {
        var root = RunsRootOrDefault(runsRoot);
        return runIds.Select(id => System.IO.Path.Combine(root, id)).ToList();
    }

    /// <summary>Token cancelled by Ctrl+C (StopProcessing).</summary>
    protected CancellationToken StopToken => _cancel.Token;

    /// <inheritdoc />
    protected override void StopProcessing()
    {
        _stopping = true;
        _cancel.Cancel();
    }

    /// <summary>Writes a non-terminating error for an engine failure.</summary>
    private protected void WriteTileError(Exception e, object? target)
    {
        if (e is TileOperationException t) WriteError(t.ToErrorRecord(target));
        else WriteError(new ErrorRecord(e, "UnexpectedError", ErrorCategory.NotSpecified, target));
    }

    /// <summary>Reports how a run ended: a PhaseFailed error naming the resume command, and the run with -PassThru.</summary>
    private protected void Finish(RunBridge.Outcome? outcome, bool passThru)
    {
        if (outcome is null) return;
        var run = RunBridge.Translate(() => RunBridge.Get(outcome.RunDir));
        if (outcome.Status == "error")
            WriteError(new TileOperationException("PhaseFailed", ErrorCategory.InvalidResult,
                $"run {run.RunId} failed at phase {(int?)run.Phase} {run.PhaseName}: {outcome.Error}. Resume it with: {run.ResumeCommand}").ToErrorRecord(run));
        if (passThru) WriteObject(run);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a worker thread. Its events are queued and written here:
    /// progress for phase_progress and frame_processed, objects for the rest. Returns the outcome,
    /// or null when the user pressed Ctrl+C (the engine still ends the run cleanly, as cancelled).
    /// </summary>
    private protected RunBridge.Outcome? RunEngine(string activity, Func<Action<TileRunEvent>, CancellationToken, RunBridge.Outcome> work)
    {
        using var queue = new BlockingCollection<TileRunEvent>();
        var task = Task.Run(() =>
        {
            try
            {
                return work(queue.Add, _cancel.Token);
            }
            finally
            {
                queue.CompleteAdding();
            }
        });
        var tracker = new ProgressTracker(activity);
        try
        {
            foreach (var e in queue.GetConsumingEnumerable())
            {
                if (_stopping) continue;
                switch (e)
                {
                    case TilePhaseProgressEvent or TileFrameProcessedEvent:
                        foreach (var record in tracker.Update(e)) WriteProgress(record);
                        break;
                    case TilePhaseStartEvent start:
                        foreach (var record in tracker.Update(start)) WriteProgress(record);
                        WriteVerbose($"phase {(int)start.Phase!} {start.PhaseName} started");
                        break;
                    case TileWarningEvent warning:
                        // Both: the warning stream for -WarningVariable and the console, the object for scripts.
                        WriteWarning(warning.Message ?? warning.Code ?? "warning");
                        WriteObject(e);
                        break;
                    default:
                        WriteObject(e);
                        break;
                }
            }
        }
        catch (PipelineStoppedException)
        {
            // Ctrl+C landed between the check and a write. The engine is still ending the run (it
            // writes the cancelled state and releases the lock): wait for that, so the prompt returns
            // to a run that is no longer running.
            _stopping = true;
            foreach (var _ in queue.GetConsumingEnumerable()) { }
        }
        finally
        {
            if (!_stopping) foreach (var record in tracker.Complete()) WriteProgress(record);
        }
        try
        {
            var outcome = task.GetAwaiter().GetResult();
            if (_stopping) SayCancelled(outcome);
            return _stopping ? null : outcome;
        }
        catch (TileOperationException) when (_stopping)
        {
            return null;
        }
    }

    // After Ctrl+C the pipeline takes no more output; the host still shows a line saying what happened and what next.
    private void SayCancelled(RunBridge.Outcome outcome)
    {
        try
        {
            Host?.UI?.WriteWarningLine($"Run {System.IO.Path.GetFileName(outcome.RunDir)} was cancelled; resume it with: {RunBridge.ResumeCommand(outcome.RunDir)}");
        }
        catch (Exception e) when (e is PipelineStoppedException or NotImplementedException or InvalidOperationException)
        {
            // A host without a console (a job, a remote runspace) has nowhere to show it.
        }
    }

    /// <summary>
    /// Turns phase events into parent (run) and child (phase) progress records with time remaining. Every write is
    /// a new record: a host or a caller collecting the progress stream keeps what each one said at the time.
    /// </summary>
    private sealed class ProgressTracker(string activity)
    {
        private readonly Stopwatch _phaseClock = new();
        private int _phase;
        private string _phaseName = "";
        private string _phaseStatus = "starting";
        private int _phasePercent = -1;
        private int _secondsRemaining = -1;
        private bool _phaseShown;
        private int _framesDone;

        public IEnumerable<ProgressRecord> Update(TileRunEvent e)
        {
            if (e.Phase is { } p && ((int)p != _phase || _phaseName.Length == 0 || e is TilePhaseStartEvent))
            {
                if ((int)p != _phase || e is TilePhaseStartEvent)
                {
                    _phaseStatus = "starting";
                    _phasePercent = -1;
                    _secondsRemaining = -1;
                    _framesDone = 0;
                    _phaseClock.Restart();
                }
                _phase = (int)p;
                // Frame and progress events may not carry the name; the phase's own identity always does.
                _phaseName = e.PhaseName ?? p.ToString();
            }
            yield return RunRecord(ProgressRecordType.Processing);
            if (e is TilePhaseStartEvent) yield break;
            var (current, total) = e switch
            {
                TilePhaseProgressEvent pe => (pe.Current, pe.Total),
                // Frames finish out of order when registered in parallel: count them, the index is not progress.
                TileFrameProcessedEvent fe => ((double)++_framesDone, (double)fe.TotalFrames),
                _ => (0d, 0d),
            };
            if (total > 0)
            {
                var fraction = Math.Clamp(current / total, 0, 1);
                _phasePercent = (int)(fraction * 100);
                _phaseStatus = e is TileFrameProcessedEvent f ? $"frame {current:0} of {total:0}: {f.FrameName}" : $"{current:0} of {total:0}";
                if (fraction > 0.02) _secondsRemaining = (int)(_phaseClock.Elapsed.TotalSeconds * (1 - fraction) / fraction);
            }
            _phaseShown = true;
            yield return PhaseRecord(ProgressRecordType.Processing);
        }

        public IEnumerable<ProgressRecord> Complete()
        {
            if (_phaseShown) yield return PhaseRecord(ProgressRecordType.Completed);
            yield return RunRecord(ProgressRecordType.Completed);
        }

        private ProgressRecord RunRecord(ProgressRecordType type) => new(1, activity, $"phase {_phase} of 10: {_phaseName}")
        {
            PercentComplete = Math.Clamp(_phase * 100 / 11, 0, 100),
            RecordType = type,
        };

        private ProgressRecord PhaseRecord(ProgressRecordType type) => new(2, _phaseName.Length > 0 ? _phaseName : "phase", _phaseStatus)
        {
            ParentActivityId = 1,
            PercentComplete = _phasePercent,
            SecondsRemaining = _secondsRemaining,
            RecordType = type,
        };
    }
}
