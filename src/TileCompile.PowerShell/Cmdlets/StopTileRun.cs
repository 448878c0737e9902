using System.Management.Automation;
using TileCompile.PowerShell;
using TileCompile.PowerShell.Internal;

namespace TileCompile;

/// <summary>
/// <para type="synopsis">Asks a running run to stop; it ends as Cancelled and can be resumed.</para>
/// <para type="description">Works across processes and sessions: the process working on the run notices the request within a
/// fraction of a second, ends the current phase as cancelled, and releases the run.</para>
/// </summary>
/// <example>
/// <code>Get-TileRun -Status Running | Stop-TileRun</code>
/// <para>Stops every running run.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Stop, "TileRun", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(TileRun))]
public sealed class StopTileRun : RunCmdletBase
{
    /// <summary><para type="description">Run directory (wildcards allowed); binds from the Path of pipeline objects.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Run directory taken literally (no wildcard expansion).</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Run ids under the runs root (several at once; tab completes).</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = "RunId")]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] RunId { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Runs root for -RunId.</para><para type="default">./runs</para></summary>
    [Parameter(ParameterSetName = "RunId")]
    public string? RunsRoot { get; set; }

    /// <summary><para type="description">Output the run (a TileRun) after asking it to stop.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var dirs = ParameterSetName == "RunId"
            ? RunDirectories(RunId, RunsRoot)
            : ResolveRunPaths(Path, LiteralPath);
        foreach (var dir in dirs) StopOne(dir);
    }

    private void StopOne(string dir)
    {
        if (!ShouldProcess(dir, "Stop the run")) return;
        try
        {
            RunBridge.Translate(() =>
            {
                RunBridge.Stop(dir);
                return 0;
            });
            if (PassThru) WriteObject(RunBridge.Translate(() => RunBridge.Get(dir)));
        }
        catch (TileOperationException e)
        {
            WriteTileError(e, dir);
        }
    }
}
