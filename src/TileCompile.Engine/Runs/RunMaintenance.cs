using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Runs;

/// <summary>Stopping, pruning and deleting runs.</summary>
public static class RunMaintenance
{
    /// <summary>Asks the process working on a run to stop (it ends the run as cancelled, resumable).</summary>
    public static void RequestStop(string runDir)
    {
        var paths = new RunPaths(runDir);
        if (!RunLock.IsHeldByLiveProcess(paths.Lock))
            throw new TileRunException(RunErrorIds.RunNotRunning, $"run {paths.RunId} is not running; there is nothing to stop.");
        File.WriteAllText(paths.CancelRequest, DateTime.UtcNow.ToString("O"));
    }

    /// <summary>Bytes of all files of a run.</summary>
    public static long SizeOnDisk(string runDir) =>
        RunTree.Size(runDir);

    /// <summary>Bytes that pruning intermediates would free.</summary>
    public static long IntermediateBytes(string runDir)
    {
        var paths = new RunPaths(runDir);
        return IntermediateFolders(paths).Sum(RunTree.Size);
    }

    /// <summary>
    /// Deletes <c>work/</c> and <c>outputs/registered/</c> of a run that is not running, keeping outputs,
    /// logs and manifests. Manifests of phases that lose artifacts are marked <c>pruned</c> first, so a
    /// later resume says from which phase it must start. Returns the bytes freed.
    /// </summary>
    public static long PruneIntermediates(string runDir)
    {
        var paths = new RunPaths(runDir);
        var before = SizeOnDisk(runDir);
        using (AcquireForMaintenance(paths)) Prune(paths);
        return before - SizeOnDisk(runDir);
    }

    private static void Prune(RunPaths paths)
    {
        var folders = IntermediateFolders(paths).Select(f => paths.Relative(f) + "/").ToList();
        foreach (var phase in PhaseNames.All)
        {
            PhaseManifest? manifest;
            try { manifest = PhaseManifest.Load(paths.Manifest((int)phase)); }
            catch (InvalidDataException) { continue; }
            if (manifest is null || manifest.Status == "pruned") continue;
            if (manifest.Artifacts.Any(a => folders.Any(f => a.Path.StartsWith(f, StringComparison.Ordinal))))
                (manifest with { Status = "pruned" }).Save(paths.Manifest((int)phase));
        }
        // Directory.Delete unlinks links inside (or a linked folder itself) and leaves what they point to alone.
        foreach (var folder in IntermediateFolders(paths).Where(Directory.Exists)) Directory.Delete(folder, recursive: true);
        var frameRecords = Directory.Exists(paths.State) ? Directory.GetFiles(paths.State, "*.frames.jsonl") : Array.Empty<string>();
        foreach (var f in frameRecords) AtomicFile.TryDelete(f);
    }

    /// <summary>Deletes a run directory that is not running.</summary>
    public static void Delete(string runDir)
    {
        var paths = new RunPaths(runDir);
        RunPaths.Require(paths.Root);
        using (AcquireForMaintenance(paths)) { }
        // Rename first so a half-deleted run never looks like a run.
        var doomed = Path.Combine(Path.GetDirectoryName(paths.Root)!, ".deleting-" + paths.RunId);
        Directory.Move(paths.Root, doomed);
        Directory.Delete(doomed, recursive: true);
    }

    private static RunLock AcquireForMaintenance(RunPaths paths)
    {
        try
        {
            return RunLock.Acquire(paths.Lock, "maintenance");
        }
        catch (RunBusyException e)
        {
            throw new TileRunException(RunErrorIds.RunBusy, e.Message + "; stop it first", e);
        }
    }

    private static string[] IntermediateFolders(RunPaths paths) =>
        new[] { Path.Combine(paths.Root, "work"), Path.Combine(paths.Root, "outputs", "registered") };
}
