using System.Management.Automation;
using TileCompile.PowerShell;
using TileCompile.PowerShell.Internal;

namespace TileCompile;

/// <summary>
/// <para type="synopsis">Combines a folder of calibration frames into a master.</para>
/// <para type="description">Reads every FITS frame in the folder (all of one size), combines them pixel by pixel
/// (mean after 3σ winsorized clipping, or the median) and keeps the master in the master library, masters/ under the
/// runs root, named by a hash of the frames' contents. Runs over the same frames then take it from there instead of
/// combining again. With -OutputPath the master is also written to that file, which can be given to Start-TileRun
/// (-DarkPath, -FlatPath, …) or to calibration.* keys. The header carries NCOMBINE, the method and the first frame's
/// exposure, temperature, gain, offset, binning and filter, so the master is matched like the frames.</para>
/// </summary>
/// <example>
/// <code>New-TileMaster -Type Dark -InputPath ./darks-300s</code>
/// <para>Builds the master dark into ./runs/masters and returns it (Path, FrameCount, Key, Reused).</para>
/// </example>
/// <example>
/// <code>New-TileMaster Flat ./flats -OutputPath ./masters/flat_L.fit -Method Median</code>
/// <para>Builds a median master flat and also writes it to ./masters/flat_L.fit.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "TileMaster", SupportsShouldProcess = true)]
[OutputType(typeof(TileMaster))]
public sealed class NewTileMaster : RunCmdletBase
{
    /// <summary><para type="description">Kind of frames: Bias, Dark, Flat or DarkFlat.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public TileMasterType Type { get; set; }

    /// <summary><para type="description">Folder of the calibration frames.</para></summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string InputPath { get; set; } = "";

    /// <summary><para type="description">Also write the master to this file.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutputPath { get; set; }

    /// <summary><para type="description">Runs root whose masters/ library keeps the master; default ./runs under the current location.</para><para type="default">./runs</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RunsRoot { get; set; }

    /// <summary><para type="description">SigmaClip (default, mean after 3σ winsorized clipping) or Median.</para><para type="default">SigmaClip</para></summary>
    [Parameter]
    public TileMasterMethod Method { get; set; } = TileMasterMethod.SigmaClip;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var input = Resolve(InputPath);
        var root = RunsRootOrDefault(RunsRoot);
        var output = OutputPath is null ? null : Resolve(OutputPath);
        if (!ShouldProcess(input, $"Combine the {Type} frames into a master in {System.IO.Path.Combine(root, "masters")}")) return;
        try
        {
            WriteObject(CalibrationBridge.Build(Type, input, root, output, Method));
        }
        catch (TileOperationException e)
        {
            WriteTileError(e, input);
        }
    }
}
