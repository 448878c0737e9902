using System.Management.Automation;
using TileCompile.PowerShell;
using TileCompile.PowerShell.Internal;

namespace TileCompile;

/// <summary>
/// <para type="synopsis">Starts a run that stacks a folder of FITS light frames.</para>
/// <para type="description">Creates a run directory under the runs root (./runs by default) with a frozen config.yaml,
/// an append-only event log and per-phase artifacts, and runs phases 0 to 10. Events are written to the pipeline as they
/// happen (phase ends, warnings, the run's end); progress shows the phase, frame counts and time remaining. Ctrl+C stops
/// the run cleanly: it ends as Cancelled and Resume-TileRun continues it.</para>
/// </summary>
/// <example>
/// <code>Start-TileRun -InputPath ./lights</code>
/// <para>Stacks every FITS frame in ./lights with the default configuration; the run goes to ./runs.</para>
/// </example>
/// <example>
/// <code>Start-TileRun ./lights -ConfigPath ./night.yaml -RunId m42-night1 -PassThru | Select-Object -Last 1</code>
/// <para>Uses a configuration file and a chosen run name, and returns the finished run.</para>
/// </example>
/// <example>
/// <code>Start-TileRun ./M31/lights -FlatPath ./M31/flats -DarkFlatPath ./M31/flatdarks -DarkPath ./darks-300s</code>
/// <para>Calibrates every light with masters built from those folders (folders named flats, darks, bias or darkflats
/// beside the lights are found without being named).</para>
/// </example>
/// <example>
/// <code>Start-TileRun ~/astro/M94/2026-11-30, ~/astro/M94/2026-12-01</code>
/// <para>One run over two nights of the same target: every frame is registered to one reference.</para>
/// </example>
/// <example>
/// <code>Get-ChildItem ~/astro/2026-12-01 -Directory | Start-TileRun -RunsRoot ~/runs</code>
/// <para>One run per target folder of the night (M31, M42, …), one after another.</para>
/// </example>
/// <example>
/// <code>Start-ThreadJob { Start-TileRun ~/lights -RunsRoot ~/runs }</code>
/// <para>Runs in the background (the installed module loads in the job by itself; a copy imported by path needs
/// Import-Module inside the job, see about_TileCompile); follow it with
/// Get-TileRun -RunsRoot ~/runs -Newest 1 | Get-TileRunEvent -Follow.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Start, "TileRun", SupportsShouldProcess = true)]
[OutputType(typeof(TileRunEvent), typeof(TileRun))]
public sealed class StartTileRun : RunCmdletBase
{
    /// <summary><para type="description">Folder with the light frames; several folders (night1, night2) make one run over
    /// all their frames, registered to one reference. Binds from the FullName of folders piped from Get-ChildItem -Directory
    /// or Get-Item, one run per piped folder.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] InputPath { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Configuration file (see New-TileRunConfig); default: built-in defaults.</para><para type="default">the built-in defaults</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    /// <summary><para type="description">Folder that holds run directories; default ./runs under the current location.</para><para type="default">./runs</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RunsRoot { get; set; }

    /// <summary><para type="description">Name of the run directory instead of a generated id.</para></summary>
    [Parameter]
    [ValidatePattern("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public string? RunId { get; set; }

    /// <summary><para type="description">File pattern(s), ';'-separated (default *.fit;*.fits;*.fts;*.fz).</para><para type="default">*.fit;*.fits;*.fts;*.fz</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Pattern { get; set; }

    /// <summary><para type="description">Bias frames: a folder of them or a master FITS file. Default: calibration.bias, or a bias/offset folder beside or inside the lights folder.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BiasPath { get; set; }

    /// <summary><para type="description">Darks at the lights' exposure and temperature: a folder or a master file (they hold the bias, which is then not subtracted again).</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DarkPath { get; set; }

    /// <summary><para type="description">Flat fields: a folder or a master file. Default: calibration.flats, or a flats folder beside or inside the lights folder.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? FlatPath { get; set; }

    /// <summary><para type="description">Darks at the flats' exposure (flat-darks): a folder or a master file.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DarkFlatPath { get; set; }

    /// <summary><para type="description">Resume the latest failed or interrupted run of the same input and configuration instead of starting a new one.</para></summary>
    [Parameter]
    public SwitchParameter ResumeIfFailed { get; set; }

    /// <summary><para type="description">Always start a new run, even when the configuration asks for auto-resume.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary><para type="description">Worker threads (0 = one per core). Results never depend on it.</para><para type="default">0 (one worker per core)</para></summary>
    [Parameter]
    [ValidateRange(0, 256)]
    public int ThrottleLimit { get; set; }

    /// <summary><para type="description">Stop after this phase (a number 0-10 or a name); the run ends Cancelled and Resume-TileRun continues from the phase after it.</para></summary>
    [Parameter]
    public TilePhase? ToPhase { get; set; }

    /// <summary><para type="description">Also output the finished run (a TileRun) at the end.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private string? Optional(string? path) => path is null ? null : Resolve(path);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var inputs = InputPath.Select(Resolve).ToList();
        var input = inputs[0];
        var described = inputs.Count == 1 ? input : string.Join(", ", inputs);
        var config = ConfigPath is null ? null : Resolve(ConfigPath);
        var root = RunsRootOrDefault(RunsRoot);
        if (!ShouldProcess(described, $"Stack the frames into a new run under {root}")) return;
        try
        {
            var outcome = RunEngine($"Start-TileRun {string.Join(", ", inputs.Select(Path.GetFileName))}", (emit, token) =>
                RunBridge.Translate(() => RunBridge.Start(inputs, config, root, RunId, Pattern, ResumeIfFailed, Force, ThrottleLimit,
                    new CalibrationPaths(Optional(BiasPath), Optional(DarkPath), Optional(FlatPath), Optional(DarkFlatPath)), emit, token, ToPhase)));
            Finish(outcome, PassThru);
        }
        catch (TileOperationException e)
        {
            WriteTileError(e, input);
        }
    }
}
