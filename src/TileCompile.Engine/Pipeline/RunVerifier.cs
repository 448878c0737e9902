using TileCompile.Engine.Runs;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Pipeline;

/// <summary>One artifact that does not match its manifest.</summary>
/// <param name="Path">The artifact, relative to the run directory.</param>
/// <param name="Kind">missing, size or content.</param>
/// <param name="Detail">What differs, in words.</param>
public sealed record ArtifactProblem(string Path, string Kind, string Detail);

/// <summary>What verifying one phase found.</summary>
/// <param name="Phase">The phase.</param>
/// <param name="Status">ok, corrupt, incomplete (no manifest), manifest_corrupt, pruned or skipped (by the run's mode).</param>
/// <param name="Artifacts">How many artifacts its manifest lists.</param>
/// <param name="Problems">The artifacts that do not match, in manifest order.</param>
public sealed record PhaseVerification(PhaseId Phase, string Status, int Artifacts, IReadOnlyList<ArtifactProblem> Problems)
{
    /// <summary>The phase's name.</summary>
    public string Name => PhaseNames.Of(Phase);
}

/// <summary>A whole run checked against its manifests, every artifact re-hashed.</summary>
public sealed record RunVerification(string RunId, string RunDir, IReadOnlyList<PhaseVerification> Phases)
{
    /// <summary>True when every artifact of every phase that has a manifest matches it.</summary>
    public bool IsIntact => Phases.All(p => p.Status is "ok" or "skipped" or "incomplete" or "pruned");

    /// <summary>The first phase whose artifacts were damaged: the one a resume runs again.</summary>
    public PhaseId? FirstDamaged => Phases.FirstOrDefault(p => p.Status is "corrupt" or "manifest_corrupt")?.Phase;
}

/// <summary>
/// Re-hashes every artifact and output of a run against the manifests, catching damage that keeps a file's size
/// (the quick status check compares sizes only). Reads the run directory, never changes it.
/// </summary>
public static class RunVerifier
{
    /// <summary>Verifies the run in <paramref name="runDir"/>.</summary>
    public static RunVerification Verify(string runDir, CancellationToken cancellationToken = default)
    {
        var state = RunState.Load(runDir, Path.GetDirectoryName(Path.GetFullPath(runDir)) ?? ".");
        var phases = PhaseNames.All.Select(p => Check(state, p, ResumePlanner.ModeSkipped(state, p), cancellationToken)).ToList();
        return new RunVerification(state.Info.RunId, state.Paths.Root, phases);
    }

    internal static PhaseVerification Check(RunState state, PhaseId p, bool skippedByMode, CancellationToken cancellationToken = default)
    {
        if (state.Corruption(p) is { } corrupt)
            return new PhaseVerification(p, "manifest_corrupt", 0, new[] { new ArtifactProblem(state.Paths.Relative(state.Paths.Manifest((int)p)), "content", corrupt) });
        var m = state.Manifest(p);
        if (m is null) return new PhaseVerification(p, skippedByMode ? "skipped" : "incomplete", 0, Array.Empty<ArtifactProblem>());
        if (m.Status == "pruned") return new PhaseVerification(p, "pruned", m.Artifacts.Count, Array.Empty<ArtifactProblem>());
        var found = Problems(state.Paths, m.Artifacts, cancellationToken);
        return new PhaseVerification(p, found.Count == 0 ? "ok" : "corrupt", m.Artifacts.Count, found);
    }

    /// <summary>
    /// The artifacts that do not match their records, in the order given; the files are hashed side by side
    /// (gigabytes before a resume).
    /// </summary>
    internal static List<ArtifactProblem> Problems(RunPaths paths, IReadOnlyList<ArtifactRecord> artifacts, CancellationToken cancellationToken = default)
    {
        var problems = new ArtifactProblem?[artifacts.Count];
        Parallel.For(0, artifacts.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var a = artifacts[i];
            var file = new FileInfo(paths.Resolve(a.Path));
            if (!file.Exists) problems[i] = new ArtifactProblem(a.Path, "missing", "the file is gone");
            else if (file.Length != a.Size) problems[i] = new ArtifactProblem(a.Path, "size", $"{file.Length} bytes, the manifest says {a.Size}");
            else if (HashingStream.HashFile(file.FullName) != a.Sha256) problems[i] = new ArtifactProblem(a.Path, "content", "same size, but the content differs from the manifest's SHA-256");
        });
        return problems.Where(x => x is not null).Select(x => x!).ToList();
    }
}
