namespace TileCompile.Engine.Runs;

/// <summary>Filters for listing runs.</summary>
public sealed record RunQuery
{
    /// <summary>Only runs with one of these statuses.</summary>
    public IReadOnlyCollection<RunStatusKind>? Status { get; init; }
    /// <summary>Started at or after.</summary>
    public DateTimeOffset? Since { get; init; }
    /// <summary>Started before.</summary>
    public DateTimeOffset? Until { get; init; }
    /// <summary>Wildcard pattern on the run id (* and ?).</summary>
    public string? IdPattern { get; init; }
    /// <summary>At most this many, newest first.</summary>
    public int? Newest { get; init; }
    /// <summary>Wildcard pattern on the input folder's full path (* and ?), e.g. *M31*.</summary>
    public string? InputPattern { get; init; }
    /// <summary>Wildcard pattern on the target (OBJECT of the frames), e.g. M 31 or NGC*.</summary>
    public string? ObjectPattern { get; init; }
}

/// <summary>
/// Lists the runs under a runs root, newest first. Uses each run's run.json summary (kept current
/// at phase boundaries) plus a lock check, so a thousand runs list in well under a second.
/// </summary>
public static class RunCatalog
{
    /// <summary>The default runs root: <c>./runs</c>.</summary>
    public static string DefaultRoot(string currentDirectory) => Path.Combine(currentDirectory, "runs");

    /// <summary>Run directories under <paramref name="root"/>, newest first by name.</summary>
    public static IEnumerable<string> RunDirectories(string root)
    {
        if (!Directory.Exists(root)) return Array.Empty<string>();
        return Directory.EnumerateDirectories(root)
            .Where(d => !Path.GetFileName(d).StartsWith('.') && File.Exists(Path.Combine(d, "run.json")))
            .OrderByDescending(d => new DirectoryInfo(d).CreationTimeUtc)
            .ThenByDescending(d => Path.GetFileName(d), StringComparer.Ordinal);
    }

    /// <summary>Ids of the most recent runs, for error hints.</summary>
    public static IReadOnlyList<string> RecentIds(string root, int count) =>
        RunDirectories(root).Take(count).Select(Path.GetFileName).OfType<string>().ToList();

    /// <summary>Lists runs matching <paramref name="query"/> (quick snapshots without per-phase detail).</summary>
    public static IReadOnlyList<RunSnapshot> List(string root, RunQuery? query = null)
    {
        query ??= new RunQuery();
        var matcher = query.IdPattern is { } pattern ? WildcardRegex(pattern) : null;
        var input = query.InputPattern is { } inputPattern ? WildcardRegex(inputPattern) : null;
        var target = query.ObjectPattern is { } objectPattern ? WildcardRegex(objectPattern) : null;
        var result = new List<RunSnapshot>();
        foreach (var dir in RunDirectories(root))
        {
            var id = Path.GetFileName(dir);
            if (matcher is not null && !matcher.IsMatch(id)) continue;
            var snapshot = Quick(dir);
            if (snapshot is null) continue;
            if (query.Status is { Count: > 0 } s && !s.Contains(snapshot.Status)) continue;
            if (query.Since is { } since && snapshot.Started < since) continue;
            if (query.Until is { } until && snapshot.Started >= until) continue;
            if (input is not null && !(snapshot.InputDir is { } folder && input.IsMatch(folder))) continue;
            if (target is not null && !(snapshot.Object is { } name && target.IsMatch(name))) continue;
            result.Add(snapshot);
        }
        var ordered = result.OrderByDescending(r => r.Started).ThenByDescending(r => r.RunId, StringComparer.Ordinal);
        return (query.Newest is { } n ? ordered.Take(n) : ordered).ToList();
    }

    /// <summary>A snapshot from run.json and the lock only; null when run.json is unreadable.</summary>
    public static RunSnapshot? Quick(string runDir)
    {
        var paths = new RunPaths(runDir);
        RunInfo info;
        try
        {
            info = RunInfo.Load(paths.RunJson);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            return null;
        }
        var s = info.Summary;
        // Runs written by older versions may say Interrupted: that is a failed run that never ended.
        var interrupted = !Enum.TryParse<RunStatusKind>(s.Status, out var parsed);
        var status = interrupted ? RunStatusKind.Failed : parsed;
        LockHolder? holder = null;
        if (File.Exists(paths.Lock))
        {
            if (RunLock.IsHeldByLiveProcess(paths.Lock))
            {
                status = RunStatusKind.Running;
                holder = RunLock.ReadHolder(paths.Lock);
            }
            else if (status == RunStatusKind.Running)
            {
                (status, interrupted) = (RunStatusKind.Failed, true);
            }
        }
        else if (status == RunStatusKind.Running)
        {
            (status, interrupted) = (RunStatusKind.Failed, true);
        }
        return new RunSnapshot
        {
            RunId = info.RunId,
            Interrupted = interrupted,
            Path = paths.Root,
            Status = status,
            Phase = s.Phase,
            PhaseName = s.PhaseName,
            Started = new DateTimeOffset(DateTime.SpecifyKind(s.Started == default ? info.Created : s.Started, DateTimeKind.Utc)),
            Ended = s.Ended is { } e ? new DateTimeOffset(DateTime.SpecifyKind(e, DateTimeKind.Utc)) : null,
            Duration = TimeSpan.FromSeconds(s.DurationSeconds),
            FrameCount = info.Frames.Count,
            FramesUsed = s.FramesUsed,
            FramesExcluded = s.FramesExcluded,
            Validation = s.Validation,
            Calibration = s.Calibration,
            Object = s.Object,
            OutputPath = status == RunStatusKind.Completed ? s.Output : null,
            ResumeCount = Math.Max(0, info.Lineage.Count - 1),
            Error = interrupted ? RunSnapshot.InterruptedError() : status == RunStatusKind.Failed ? s.Error : null,
            CompletedPhases = s.CompletedPhases,
            SizeBytes = s.SizeBytes,
            Lineage = info.Lineage,
            LockHolder = holder,
            InputDir = info.InputDir,
            ConfigHash = info.ConfigHash,
        };
    }

    private static System.Text.RegularExpressions.Regex WildcardRegex(string pattern) =>
        new("^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase);
}
