using TileCompile.Engine.Config;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Pipeline;

/// <summary>
/// Decides which phases a resume skips and which it runs, and why — reading manifests, sizes and
/// hashes only, never changing the run directory.
/// </summary>
internal sealed class ResumePlanner
{
    private readonly IReadOnlyDictionary<PhaseId, IPipelinePhase> _phases;

    public ResumePlanner(IReadOnlyDictionary<PhaseId, IPipelinePhase> phases) => _phases = phases;

    public ResumePlan Plan(RunState state, ResumeRequest request, RunStatusKind previous, bool verifyHashes = true)
    {
        PhaseId? from = null;
        if (request.FromPhase is { } text)
        {
            if (!PhaseNames.TryParse(text, out var parsed))
                throw new TileRunException(RunErrorIds.InvalidPhase, $"'{text}' is not a phase; accepted values: {PhaseNames.Accepted}.");
            from = parsed;
        }

        var decisions = new List<PhaseDecision>();
        if (request.Force)
        {
            decisions.AddRange(PhaseNames.All.Select(p => new PhaseDecision(p, PhaseAction.Run, "forced", null, Duration(state, p))));
            return Build(state, "force", null, previous, decisions);
        }

        return from is { } n ? Explicit(state, n, previous, verifyHashes) : Automatic(state, previous, verifyHashes);
    }

    // From phase n as asked: every phase before it must be usable, and those n reads are re-hashed.
    private ResumePlan Explicit(RunState state, PhaseId n, RunStatusKind previous, bool verifyHashes)
    {
        var decisions = new List<PhaseDecision>();
        foreach (var p in PhaseNames.All.Where(p => p < n))
        {
            var problem = Quick(state, p, checkFingerprint: false);
            if (problem is null && verifyHashes && _phases[n].Reads.Contains(p)) problem = Full(state, p, _phases[n]);
            if (problem is not null)
            {
                throw new TileRunException(RunErrorIds.ArtifactsMissing,
                    $"cannot resume from phase {(int)n} {PhaseNames.Of(n)}: phase {(int)p} {PhaseNames.Of(p)} is not usable " +
                    $"({problem.Value.Reason}{(problem.Value.Detail is null ? "" : ": " + problem.Value.Detail)}). " +
                    $"A resume from phase {(int)p} {PhaseNames.Of(p)} would work.");
            }
            decisions.Add(new PhaseDecision(p, PhaseAction.Skip, "resume_from_phase", null, Duration(state, p)));
        }
        // Phases the run's mode leaves out are planned as the run will treat them, so dry run and run agree.
        decisions.AddRange(PhaseNames.All.Where(p => p >= n).Select(p => ModeSkipped(state, p)
            ? new PhaseDecision(p, PhaseAction.Skip, "reduced_mode", null, Duration(state, p))
            : new PhaseDecision(p, PhaseAction.Run, "requested", null, Duration(state, p))));
        return Build(state, "explicit", n, previous, decisions);
    }

    private ResumePlan Automatic(RunState state, RunStatusKind previous, bool verifyHashes)
    {
        var decisions = new List<PhaseDecision>();
        // Automatic: the first phase that is not up to date, with its direct inputs fully verified.
        PhaseId? first = null;
        (string Reason, string? Detail) why = ("", null);
        foreach (var p in PhaseNames.All)
        {
            var problem = Quick(state, p, checkFingerprint: true);
            if (problem is null) continue;
            first = p;
            why = problem.Value;
            break;
        }
        // A run that finished has nothing a quick look could find; its artifacts are re-hashed in full, so that damage
        // that kept a file's size re-runs the phase that made the file.
        if (first is null && verifyHashes && previous == RunStatusKind.Completed)
        {
            foreach (var p in PhaseNames.All)
            {
                var check = RunVerifier.Check(state, p, ModeSkipped(state, p));
                if (check.Problems.Count == 0) continue;
                first = p;
                why = ("hash_mismatch", check.Problems[0].Path);
                break;
            }
        }
        if (first is { } k && verifyHashes)
        {
            foreach (var up in _phases[k].Reads.OrderBy(x => x))
            {
                if (Full(state, up, _phases[k]) is { } bad && up < k)
                {
                    first = up;
                    why = bad;
                    break;
                }
            }
        }
        foreach (var p in PhaseNames.All)
        {
            if (first is null || p < first) decisions.Add(new PhaseDecision(p, PhaseAction.Skip, ModeSkipped(state, p) ? "reduced_mode" : "up_to_date", null, Duration(state, p)));
            else if (ModeSkipped(state, p)) decisions.Add(new PhaseDecision(p, PhaseAction.Skip, "reduced_mode", null, Duration(state, p)));
            else if (p == first) decisions.Add(new PhaseDecision(p, PhaseAction.Run, why.Reason, why.Detail, Duration(state, p)));
            else decisions.Add(new PhaseDecision(p, PhaseAction.RunUnlessUnchanged, "upstream_rerun", null, Duration(state, p)));
        }
        return Build(state, "auto", null, previous, decisions);
    }

    private static ResumePlan Build(RunState state, string mode, PhaseId? from, RunStatusKind previous, List<PhaseDecision> decisions) => new()
    {
        RunId = state.Info.RunId,
        RunDir = state.Paths.Root,
        Mode = mode,
        FromPhase = from,
        PreviousStatus = previous,
        Phases = decisions,
    };

    private static double? Duration(RunState state, PhaseId p) => state.Manifest(p)?.DurationSeconds;

    /// <summary>True when the phase is skipped by the operating mode (8 and 9 outside full mode).</summary>
    public static bool ModeSkipped(RunState state, PhaseId p) =>
        p is PhaseId.StateClustering or PhaseId.SyntheticFrames && KnownMode(state) is RunMode.Reduced or RunMode.Emergency;

    /// <summary>The run's mode if the frame count is known from phase 1 (or 0).</summary>
    public static RunMode? KnownMode(RunState state)
    {
        var facts = state.Manifest(PhaseId.Registration)?.Facts ?? state.Manifest(PhaseId.ScanInput)?.Facts;
        if (facts is null || !facts.TryGetValue(RunModes.UsableFramesFact, out var text) || !int.TryParse(text, out var usable)) return null;
        return RunModes.For(usable, state.Config.Get(ConfigKeys.Assumptions.FramesMin), state.Config.Get(ConfigKeys.Assumptions.FramesReducedThreshold));
    }

    /// <summary>The output digest later phases see for <paramref name="p"/>.</summary>
    public static string? UpstreamDigest(RunState state, PhaseId p) =>
        ModeSkipped(state, p) ? Fingerprints.SkippedByMode : state.Manifest(p)?.OutputDigest;

    /// <summary>Cheap check: manifest, sizes, and (optionally) fingerprint. Null when the phase is up to date.</summary>
    public (string Reason, string? Detail)? Quick(RunState state, PhaseId p, bool checkFingerprint)
    {
        if (ModeSkipped(state, p)) return null;
        if (state.Corruption(p) is { } corrupt) return ("manifest_corrupt", corrupt);
        var m = state.Manifest(p);
        if (m is null) return ("incomplete", $"state/phase-{(int)p:D2}.json is missing");
        if (m.Status == "pruned") return ("pruned", "intermediates were pruned");
        foreach (var a in m.Artifacts)
        {
            var file = new FileInfo(state.Paths.Resolve(a.Path));
            if (!file.Exists) return ("artifact_missing", a.Path);
            if (file.Length != a.Size) return ("artifact_size", $"{a.Path} has {file.Length} bytes, the manifest says {a.Size}");
        }
        if (!checkFingerprint) return null;
        var phase = _phases[p];
        var calibration = phase.ReadsCalibrationFrames ? Fingerprints.CalibrationDigest(phase, state.Config, state.Info) : null;
        var fp = Fingerprints.Compute(phase, state.Config, state.Info, up => UpstreamDigest(state, up), calibration);
        if (fp == m.Fingerprint) return null;
        if (m.AlgoVersion != phase.AlgoVersion) return ("algo_version_changed", $"{m.AlgoVersion}→{phase.AlgoVersion}");
        var changed = Fingerprints.ChangedKeys(phase, state.Config, m);
        if (changed.Count > 0) return ("config_changed", string.Join(", ", changed));
        if (calibration is not null && m.Facts.GetValueOrDefault(Fingerprints.CalibrationFact) is { } recorded && recorded != calibration)
            return ("calibration_changed", "the calibration frames changed (added, removed or rewritten)");
        if (phase.ReadsInputFrames) return ("input_changed", "the input frame list changed");
        return ("upstream_changed", null);
    }

    /// <summary>Full check: content hashes of the consumed artifacts <paramref name="reader"/> reads. Null when intact.</summary>
    public (string Reason, string? Detail)? Full(RunState state, PhaseId p, IPipelinePhase reader)
    {
        if (Quick(state, p, checkFingerprint: false) is { } quick) return quick;
        var m = state.Manifest(p);
        if (m is null) return null;
        // Quick found every file present at its size, so what remains is content; the first in manifest order is named.
        var problems = RunVerifier.Problems(state.Paths, m.Artifacts.Where(a => a.Consumed && reader.ReadsArtifact(p, a.Path)).ToList());
        return problems.Count > 0 ? ("hash_mismatch", problems[0].Path) : null;
    }
}
