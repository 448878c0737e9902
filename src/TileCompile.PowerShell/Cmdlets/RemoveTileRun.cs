using System.Management.Automation;
using TileCompile.PowerShell;
using TileCompile.PowerShell.Internal;

namespace TileCompile;

/// <summary>
/// <para type="synopsis">Deletes runs, or only their large intermediates.</para>
/// <para type="description">Deletes whole run directories, or with -IntermediatesOnly the registered frames and work files
/// (often 4× the input) while keeping the final image, logs and manifests; a later Resume-TileRun then says from which phase
/// it must start. Running runs are never touched. Select runs from the pipeline or with -Status and -OlderThan.</para>
/// </summary>
/// <example>
/// <code>Get-TileRun -Status Completed | Remove-TileRun -IntermediatesOnly</code>
/// <para>Frees the space of completed runs' intermediates.</para>
/// </example>
/// <example>
/// <code>Remove-TileRun -Status Failed -OlderThan 30.00:00:00 -WhatIf</code>
/// <para>Shows which failed runs older than 30 days would be deleted.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "TileRun", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = PathSet)]
[OutputType(typeof(void))]
public sealed class RemoveTileRun : RunCmdletBase
{
    private const string PathSet = "Path";
    private const string FilterSet = "Filter";
    private const string LiteralSet = "LiteralPath";
    private const string IdSet = "RunId";

    /// <summary><para type="description">Run directory (wildcards allowed); binds from the Path of pipeline objects.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Run directory taken literally (no wildcard expansion).</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Run ids under the runs root (several at once; tab completes).</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet)]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] RunId { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Runs root for -RunId and the filters; default ./runs.</para><para type="default">./runs</para></summary>
    [Parameter(ParameterSetName = FilterSet)]
    [Parameter(ParameterSetName = IdSet)]
    public string? RunsRoot { get; set; }

    /// <summary><para type="description">Only runs with these statuses (Running is never removed).</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = FilterSet)]
    public TileRunStatus[] Status { get; set; } = Array.Empty<TileRunStatus>();

    /// <summary><para type="description">Only runs that started longer ago than this.</para></summary>
    [Parameter(ParameterSetName = FilterSet)]
    public TimeSpan? OlderThan { get; set; }

    /// <summary><para type="description">Delete work/ and outputs/registered/ only; keep outputs, logs and manifests.</para></summary>
    [Parameter]
    public SwitchParameter IntermediatesOnly { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        IEnumerable<string> dirs;
        if (ParameterSetName == FilterSet)
        {
            var root = RunsRootOrDefault(RunsRoot);
            var until = OlderThan is { } age ? DateTime.Now - age : (DateTime?)null;
            dirs = RunBridge.Translate(() => RunBridge.List(root, null, Status, null, until, null, false)).Select(r => r.Path).ToList();
        }
        else if (ParameterSetName == IdSet)
        {
            dirs = RunDirectories(RunId, RunsRoot);
        }
        else
        {
            dirs = ResolveRunPaths(Path, LiteralPath).ToList();
        }

        foreach (var dir in dirs)
        {
            try
            {
                var run = RunBridge.Translate(() => RunBridge.Get(dir));
                if (run.Status == TileRunStatus.Running)
                {
                    WriteError(new TileOperationException("RunBusy", ErrorCategory.ResourceBusy,
                        $"run {run.RunId} is running ({run.HeldBy}); stop it with Stop-TileRun first").ToErrorRecord(run));
                    continue;
                }
                if (IntermediatesOnly)
                {
                    var bytes = RunBridge.IntermediateBytes(dir);
                    if (!ShouldProcess(dir, $"Delete intermediates ({bytes / 1048576.0:0.0} MiB), keeping outputs, logs and manifests")) continue;
                    var freed = RunBridge.Translate(() => RunBridge.Prune(dir));
                    WriteVerbose($"freed {freed} bytes in {run.RunId}");
                }
                else
                {
                    if (!ShouldProcess(dir, $"Delete run {run.RunId} ({run.Status}, {run.SizeOnDisk / 1048576.0:0.0} MiB)")) continue;
                    RunBridge.Translate(() =>
                    {
                        RunBridge.Delete(dir);
                        return 0;
                    });
                }
            }
            catch (TileOperationException e)
            {
                WriteTileError(e, dir);
            }
        }
    }
}
