using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Runs;

/// <summary>The layout of a run directory (see docs/architecture.md §3).</summary>
public sealed class RunPaths
{
    /// <summary>Creates the layout for the run directory <paramref name="root"/>.</summary>
    public RunPaths(string root) => Root = Path.GetFullPath(root);

    /// <summary>The run directory.</summary>
    public string Root { get; }

    /// <summary>Throws <see cref="RunErrorIds.RunNotFound"/> unless <paramref name="runDir"/> holds a run (its run.json).</summary>
    public static void Require(string runDir)
    {
        if (!File.Exists(Path.Combine(runDir, "run.json")))
            throw new TileRunException(RunErrorIds.RunNotFound, $"'{runDir}' is not a run directory (no run.json).");
    }
    /// <summary>The run id (the directory name).</summary>
    public string RunId => Path.GetFileName(Root);
    /// <summary>Frozen configuration.</summary>
    public string Config => Path.Combine(Root, "config.yaml");
    /// <summary>Run summary and lineage.</summary>
    public string RunJson => Path.Combine(Root, "run.json");
    /// <summary>Event log.</summary>
    public string Events => Path.Combine(Root, "logs", "run_events.jsonl");
    /// <summary>Manifest folder.</summary>
    public string State => Path.Combine(Root, "state");
    /// <summary>Lock file.</summary>
    public string Lock => Path.Combine(Root, "run.lock");
    /// <summary>A file whose presence asks the working process to stop (Stop-TileRun).</summary>
    public string CancelRequest => Path.Combine(Root, "cancel.request");
    /// <summary>Final stack.</summary>
    public string Stacked => Path.Combine(Root, "outputs", "stacked.fit");

    /// <summary>Manifest of a phase.</summary>
    public string Manifest(int phase) => Path.Combine(State, $"phase-{phase:D2}.json");

    /// <summary>Per-frame completion records of a phase.</summary>
    public string FrameRecords(int phase) => Path.Combine(State, $"phase-{phase:D2}.frames.jsonl");

    /// <summary>Absolute path of a run-relative artifact path (forward slashes).</summary>
    public string Resolve(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Run-relative form (forward slashes) of an absolute path inside the run.</summary>
    public string Relative(string absolute) => Path.GetRelativePath(Root, absolute).Replace(Path.DirectorySeparatorChar, '/');
}
