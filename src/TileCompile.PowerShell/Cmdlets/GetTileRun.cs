using System.Management.Automation;
using TileCompile.PowerShell;
using TileCompile.PowerShell.Internal;

namespace TileCompile;

/// <summary>
/// <para type="synopsis">Lists runs, newest first, with their status, phase, frames and how to resume them.</para>
/// <para type="description">Reads the runs under the runs root (./runs by default). Status comes from each run's event log and
/// lock: Running, Completed, Failed or Cancelled. A run whose process was killed or crashed is Failed with Interrupted
/// set, so Where-Object Status -eq Failed catches it too; -Resumable lists every run a resume would continue (Failed and
/// Cancelled). Filter by status, start time, id pattern or count; -Detailed (or -Path) adds the state of every phase.</para>
/// </summary>
/// <example>
/// <code>Get-TileRun</code>
/// <para>Lists every run under ./runs.</para>
/// </example>
/// <example>
/// <code>Get-TileRun -Resumable -Since (Get-Date).AddDays(-7) | Resume-TileRun</code>
/// <para>Continues every run of the last week that failed, was killed or was cancelled.</para>
/// </example>
/// <example>
/// <code>Get-TileRun -Target 'M 31' -InputPath '*2026-12*'</code>
/// <para>The runs of M 31 over frames from December 2026 folders.</para>
/// </example>
/// <example>
/// <code>Get-TileRun -Status Failed | Where-Object Interrupted</code>
/// <para>Runs whose process was killed or crashed (no error of their own).</para>
/// </example>
/// <example>
/// <code>(Get-TileRun -Newest 1 -Detailed).Phases | Format-Table Phase, Status, Duration</code>
/// <para>The phases of the newest run.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "TileRun", DefaultParameterSetName = ListSet)]
[OutputType(typeof(TileRun))]
public sealed class GetTileRun : RunCmdletBase
{
    private const string ListSet = "List";
    private const string PathSet = "Path";
    private const string LiteralSet = "LiteralPath";

    /// <summary><para type="description">Run id or wildcard pattern (tab completes).</para></summary>
    [Parameter(Position = 0, ParameterSetName = ListSet)]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    [SupportsWildcards]
    public string? RunId { get; set; }

    /// <summary><para type="description">Run directories (wildcards allowed), e.g. runs/2026*.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Run directory taken literally (no wildcard expansion).</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Folder that holds run directories; default ./runs.</para><para type="default">./runs</para></summary>
    [Parameter(ParameterSetName = ListSet)]
    public string? RunsRoot { get; set; }

    /// <summary><para type="description">Only runs with these statuses.</para></summary>
    [Parameter(ParameterSetName = ListSet)]
    public TileRunStatus[]? Status { get; set; }

    /// <summary><para type="description">Only runs started at or after this time.</para></summary>
    [Parameter(ParameterSetName = ListSet)]
    public DateTime? Since { get; set; }

    /// <summary><para type="description">Only runs started before this time.</para></summary>
    [Parameter(ParameterSetName = ListSet)]
    public DateTime? Until { get; set; }

    /// <summary><para type="description">Only runs whose target (OBJECT in the frames) matches this wildcard pattern, e.g. 'M 31' or 'NGC*'.</para></summary>
    [Parameter(ParameterSetName = ListSet)]
    [Alias("Object")]
    [SupportsWildcards]
    public string? Target { get; set; }

    /// <summary><para type="description">Only runs whose input folder matches this wildcard pattern, e.g. '*2026-12-01*'.</para></summary>
    [Parameter(ParameterSetName = ListSet)]
    [SupportsWildcards]
    public string? InputPath { get; set; }

    /// <summary><para type="description">Only runs a resume would continue: Failed (including killed or crashed) and Cancelled.</para></summary>
    [Parameter(ParameterSetName = ListSet)]
    public SwitchParameter Resumable { get; set; }

    /// <summary><para type="description">Only the newest N runs.</para></summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateRange(1, int.MaxValue)]
    public int? Newest { get; set; }

    /// <summary><para type="description">Include every phase's state (reads each run's event log).</para></summary>
    [Parameter(ParameterSetName = ListSet)]
    public SwitchParameter Detailed { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName is PathSet or LiteralSet)
        {
            foreach (var dir in ResolveRunPaths(Path, LiteralPath))
            {
                try
                {
                    WriteObject(RunBridge.Translate(() => RunBridge.Get(dir)));
                }
                catch (TileOperationException e)
                {
                    WriteTileError(e, dir);
                }
            }
            return;
        }
        var root = RunsRootOrDefault(RunsRoot);
        var statuses = Status;
        if (Resumable)
        {
            var resumable = new[] { TileRunStatus.Failed, TileRunStatus.Cancelled };
            statuses = statuses is null ? resumable : statuses.Intersect(resumable).ToArray();
            if (statuses.Length == 0) return;
        }
        var runs = RunBridge.Translate(() => RunBridge.List(root, RunId, statuses, Since, Until, Newest, Detailed, InputPath, Target));
        if (runs.Count == 0 && RunId is { } id && !WildcardPattern.ContainsWildcardCharacters(id))
        {
            WriteError(new TileOperationException("RunNotFound", ErrorCategory.ObjectNotFound, $"no run '{id}' under {root}").ToErrorRecord(id));
            return;
        }
        foreach (var run in runs) WriteObject(run);
    }
}
