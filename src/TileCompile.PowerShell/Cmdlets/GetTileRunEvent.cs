using System.Management.Automation;
using TileCompile.PowerShell;
using TileCompile.PowerShell.Internal;

namespace TileCompile;

/// <summary>
/// <para type="synopsis">Reads a run's events (logs/run_events.jsonl) as typed objects.</para>
/// <para type="description">Each event type has its own class (TilePhaseEndEvent, TileWarningEvent, …) sharing TileRunEvent.
/// -Follow keeps reading new events until the run ends (or Ctrl+C).</para>
/// </summary>
/// <example>
/// <code>Get-TileRun -Newest 1 | Get-TileRunEvent -Type phase_end | Format-Table Phase, PhaseName, Status</code>
/// <para>How each phase of the newest run ended.</para>
/// </example>
/// <example>
/// <code>Get-TileRunEvent -Path runs/20260108_220541_bf8ccabf -Type warning</code>
/// <para>The warnings of a run (excluded frames, validation findings).</para>
/// </example>
/// <example>
/// <code>Get-TileRun -Status Running | Get-TileRunEvent -Follow</code>
/// <para>Watches a running run.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "TileRunEvent", DefaultParameterSetName = PathSet)]
[OutputType(typeof(TileRunEvent))]
public sealed class GetTileRunEvent : RunCmdletBase
{
    private const string PathSet = "Path";
    private const string IdSet = "RunId";
    private const string LiteralSet = "LiteralPath";

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

    /// <summary><para type="description">Run id under the runs root.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public string RunId { get; set; } = "";

    /// <summary><para type="description">Runs root for -RunId; default ./runs.</para><para type="default">./runs</para></summary>
    [Parameter(ParameterSetName = IdSet)]
    public string? RunsRoot { get; set; }

    /// <summary><para type="description">Only these event types.</para></summary>
    [Parameter]
    [ValidateSet("run_start", "run_resume", "phase_start", "phase_progress", "frame_processed", "phase_end", "warning", "run_end")]
    public string[]? Type { get; set; }

    /// <summary><para type="description">Only events of these phases.</para></summary>
    [Parameter]
    public TilePhase[]? Phase { get; set; }

    /// <summary><para type="description">Only events of this attempt (1 = first run, 2 = first resume…).</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Attempt { get; set; }

    /// <summary><para type="description">Keep reading new events until the run ends.</para></summary>
    [Parameter]
    [Alias("Wait")]
    public SwitchParameter Follow { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var dirs = ParameterSetName == IdSet ? RunDirectories(new[] { RunId }, RunsRoot) : ResolveRunPaths(Path, LiteralPath);
        foreach (var dir in dirs) ReadOne(dir);
    }

    private void ReadOne(string dir)
    {
        try
        {
            var events = Follow ? RunBridge.Follow(dir, StopToken) : RunBridge.Translate(() => RunBridge.Events(dir));
            if (Follow) RunBridge.RequireRun(dir);
            foreach (var e in events)
            {
                if (Type is { Length: > 0 } && !Type.Contains(e.Type)) continue;
                if (Phase is { Length: > 0 } && (e.Phase is null || !Phase.Contains(e.Phase.Value))) continue;
                if (Attempt is { } a && e.Attempt != a) continue;
                WriteObject(e);
            }
        }
        catch (TileOperationException e)
        {
            WriteTileError(e, dir);
        }
    }
}
