using TileCompile.Engine.Config;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Pipeline;

/// <summary>Everything about a run that planning needs, loaded from its directory without changing it.</summary>
internal sealed class RunState
{
    private readonly Dictionary<PhaseId, PhaseManifest?> _manifests = new();
    private readonly Dictionary<PhaseId, string> _corrupt = new();

    private RunState(RunPaths paths, RunInfo info, TileConfig config)
    {
        Paths = paths;
        Info = info;
        Config = config;
        foreach (var p in PhaseNames.All)
        {
            try
            {
                _manifests[p] = PhaseManifest.Load(paths.Manifest((int)p));
            }
            catch (InvalidDataException e)
            {
                _manifests[p] = null;
                _corrupt[p] = e.Message;
            }
        }
    }

    public RunPaths Paths { get; }
    public RunInfo Info { get; }
    public TileConfig Config { get; }

    public PhaseManifest? Manifest(PhaseId p) => _manifests.GetValueOrDefault(p);
    public string? Corruption(PhaseId p) => _corrupt.GetValueOrDefault(p);
    public void SetManifest(PhaseId p, PhaseManifest? m)
    {
        _manifests[p] = m;
        _corrupt.Remove(p);
    }

    /// <summary>Loads a run; errors name what is missing and change nothing.</summary>
    public static RunState Load(string runDir, string runsRootForHints)
    {
        var paths = new RunPaths(runDir);
        if (!Directory.Exists(paths.Root))
            throw new TileRunException(RunErrorIds.RunNotFound, $"run directory '{paths.Root}' does not exist.{RecentRunsHint(runsRootForHints)}");
        if (!File.Exists(paths.RunJson))
            throw new TileRunException(RunErrorIds.RunNotFound, $"'{paths.Root}' is not a run directory: run.json is missing.{RecentRunsHint(runsRootForHints)}");
        if (!File.Exists(paths.Config))
            throw new TileRunException(RunErrorIds.ConfigMissing, $"config.yaml is missing in '{paths.Root}': the run's frozen configuration is needed to resume it.");
        RunInfo info;
        try
        {
            info = RunInfo.Load(paths.RunJson);
        }
        catch (InvalidDataException e)
        {
            throw new TileRunException(RunErrorIds.RunNotFound, $"run.json in '{paths.Root}' is unreadable: {e.Message}");
        }
        TileConfig config;
        try
        {
            config = TileConfig.Load(paths.Config);
        }
        catch (ConfigValidationException e)
        {
            throw new TileRunException(RunErrorIds.ConfigInvalid, e.Message, e);
        }
        return new RunState(paths, info, config);
    }

    private static string RecentRunsHint(string runsRoot)
    {
        var recent = RunCatalog.RecentIds(runsRoot, 5);
        return recent.Count == 0 ? $" No runs exist under '{runsRoot}'." : $" Most recent runs under '{runsRoot}': {string.Join(", ", recent)}.";
    }
}
