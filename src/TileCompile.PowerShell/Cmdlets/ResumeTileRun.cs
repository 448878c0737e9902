using System.Management.Automation;
using System.Text;
using TileCompile.PowerShell;
using TileCompile.PowerShell.Internal;

namespace TileCompile;

/// <summary>
/// <para type="synopsis">Resumes a failed, cancelled or interrupted run, or re-runs phases of a run.</para>
/// <para type="description">Without -FromPhase the run continues at the first phase that is not complete, whose outputs
/// fail verification, or whose configuration changed (edit config.yaml in the run directory to change settings). With
/// -FromPhase (a number 0-10 or a name such as STACKING) the earlier phases are verified and skipped and that phase and all
/// after it run again. -WhatIf shows the plan — which phases are skipped or re-run and why — and changes nothing.</para>
/// </summary>
/// <example>
/// <code>Get-TileRun | Where-Object Status -eq Failed | Resume-TileRun</code>
/// <para>Resumes every failed run under ./runs.</para>
/// </example>
/// <example>
/// <code>Resume-TileRun -Path runs/20260108_220541_bf8ccabf -FromPhase STACKING -WhatIf</code>
/// <para>Shows what re-running only the stacking would do.</para>
/// </example>
/// <example>
/// <code>Resume-TileRun -RunId 20260108_220541_bf8ccabf -FromPhase 10 -PassThru</code>
/// <para>Re-runs the stacking of a run under ./runs and returns the run when done.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Resume, "TileRun", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(TileRunEvent), typeof(TileRun))]
public sealed class ResumeTileRun : RunCmdletBase
{
    private const string PathSet = "Path";
    private const string IdSet = "RunId";
    private const string LiteralSet = "LiteralPath";

    /// <summary><para type="description">Run directory (wildcards allowed). Binds from the Path of objects in the pipeline (Get-TileRun output).</para></summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Run directory taken literally (no wildcard expansion).</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Run id under the runs root (tab completes).</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string RunId { get; set; } = "";

    /// <summary><para type="description">Runs root for -RunId; default ./runs.</para><para type="default">./runs</para></summary>
    [Parameter(ParameterSetName = IdSet)]
    public string? RunsRoot { get; set; }

    /// <summary><para type="description">Phase to restart from: a number (0-10) or a name (SCAN_INPUT … STACKING).</para></summary>
    [Parameter]
    public TilePhase? FromPhase { get; set; }

    /// <summary><para type="description">Stop after this phase (a number 0-10 or a name); the run ends Cancelled and the next resume continues from the phase after it.</para></summary>
    [Parameter]
    public TilePhase? ToPhase { get; set; }

    /// <summary><para type="description">Start again from phase 0 in the same run directory.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary><para type="description">Keep successfully registered frames and retry only the excluded ones (after changing registration settings).</para></summary>
    [Parameter]
    public SwitchParameter OnlyFailedFrames { get; set; }

    /// <summary><para type="description">Worker threads (0 = one per core).</para><para type="default">0 (one worker per core)</para></summary>
    [Parameter]
    [ValidateRange(0, 256)]
    public int ThrottleLimit { get; set; }

    /// <summary><para type="description">Also output the run (a TileRun) at the end.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var dirs = ParameterSetName == IdSet ? RunDirectories(new[] { RunId }, RunsRoot) : ResolveRunPaths(Path, LiteralPath);
        foreach (var dir in dirs) ResumeOne(dir);
    }

    private void ResumeOne(string dir)
    {
        try
        {
            var plan = RunBridge.Translate(() => RunBridge.Plan(dir, FromPhase, Force));
            var description = new StringBuilder($"Resume run {System.IO.Path.GetFileName(dir)}:");
            foreach (var step in plan)
                description.Append(Environment.NewLine).Append($"  {(int)step.Phase,2} {step.Phase,-20} {step.Action,-21} {step.Reason}{(step.Detail is null ? "" : $" ({step.Detail})")}");
            if (!ShouldProcess(description.ToString(), $"Resume run {System.IO.Path.GetFileName(dir)}?", "Resume-TileRun")) return;

            var outcome = RunEngine($"Resume-TileRun {System.IO.Path.GetFileName(dir)}", (emit, token) =>
                RunBridge.Translate(() => RunBridge.Resume(dir, FromPhase, Force, OnlyFailedFrames, ThrottleLimit, emit, token, ToPhase)));
            Finish(outcome, PassThru);
        }
        catch (TileOperationException e)
        {
            WriteTileError(e, dir);
        }
    }
}
