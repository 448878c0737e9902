using System.Management.Automation;
using TileCompile.PowerShell;
using TileCompile.PowerShell.Internal;

namespace TileCompile;

/// <summary>
/// <para type="synopsis">Generates synthetic light frames with ground truth.</para>
/// <para type="description">Writes a deterministic session of uint16 FITS light frames (light_0001.fit, …)
/// and truth.json: a star field with a galaxy, drift, dither and field rotation, seeing and transparency that
/// change over time and across the field, a sky gradient, hot pixels, cosmic rays, one satellite trail and one
/// clouded frame. The same seed and options always give the same files. Use it to try the pipeline, to test
/// scripts, or to measure quality against known truth.</para>
/// </summary>
/// <example>
/// <code>New-TileSampleData -Path ./samples/m1 -Frames 60</code>
/// <para>Writes 60 monochrome 512×384 frames and truth.json to ./samples/m1.</para>
/// </example>
/// <example>
/// <code>New-TileSampleData ./samples/osc -Sensor Rggb -Width 1080 -Height 1920 -Frames 200 -Seed 7</code>
/// <para>Writes a Seestar-sized colour session.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "TileSampleData", SupportsShouldProcess = true)]
[OutputType(typeof(TileSampleSet))]
public sealed class NewTileSampleData : PSCmdlet, IDisposable
{
    /// <summary>Releases the cancellation source (PowerShell disposes a cmdlet when its pipeline ends).</summary>
    public void Dispose() => _cancel.Dispose();

    private readonly CancellationTokenSource _cancel = new();

    /// <summary>
    /// <para type="description">Folder to write the frames to; created when missing. Relative paths are relative to the current location.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary><para type="description">Number of frames (1 to 100000).</para><para type="default">40</para></summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int Frames { get; set; } = 40;

    /// <summary><para type="description">Frame width in pixels (64 to 16384).</para><para type="default">512</para></summary>
    [Parameter]
    [ValidateRange(64, 16384)]
    public int Width { get; set; } = 512;

    /// <summary><para type="description">Frame height in pixels (64 to 16384).</para><para type="default">384</para></summary>
    [Parameter]
    [ValidateRange(64, 16384)]
    public int Height { get; set; } = 384;

    /// <summary><para type="description">Mono (default) or Rggb colour frames.</para><para type="default">Mono</para></summary>
    [Parameter]
    public TileSampleSensor Sensor { get; set; } = TileSampleSensor.Mono;

    /// <summary><para type="description">Random seed; the same seed gives identical files.</para><para type="default">1</para></summary>
    [Parameter]
    public int Seed { get; set; } = 1;

    /// <summary><para type="description">Write into a folder that already holds files (frames of the same names are replaced).</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            EngineBridge.ValidateSampleOptions(Width, Height, Sensor);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.InvalidSampleOptions, ErrorCategory.InvalidArgument, null));
        }

        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !Force)
        {
            WriteError(new ErrorRecord(
                new IOException($"The folder '{target}' is not empty. Use -Force to write the sample frames into it anyway."),
                ErrorIds.DirectoryNotEmpty, ErrorCategory.ResourceExists, target));
            return;
        }

        if (!ShouldProcess(target, $"Write {Frames} {Sensor} sample frames of {Width}x{Height}")) return;

        var done = 0;
        var work = Task.Run(() => EngineBridge.GenerateSamples(target, Frames, Width, Height, Sensor, Seed,
            n => Volatile.Write(ref done, n), _cancel.Token));
        // A new record per write, so that a caller collecting the progress stream keeps each state.
        while (!work.Wait(200))
        {
            var n = Volatile.Read(ref done);
            WriteProgress(new ProgressRecord(1, "New-TileSampleData", $"{n} of {Frames} frames into {target}")
            {
                PercentComplete = (int)(100L * n / Frames),
            });
        }
        WriteProgress(new ProgressRecord(1, "New-TileSampleData", $"{Frames} frames into {target}")
        {
            PercentComplete = 100,
            RecordType = ProgressRecordType.Completed,
        });

        if (work.IsCanceled) return;
        if (work.Exception is { } failure)
        {
            var inner = failure.InnerException ?? failure;
            if (inner is OperationCanceledException) return;
            WriteError(new ErrorRecord(inner, ErrorIds.SampleGenerationFailed, ErrorCategory.WriteError, target));
            return;
        }
        WriteObject(work.Result);
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _cancel.Cancel();
}
