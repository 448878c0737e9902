using System.Management.Automation;
using TileCompile.PowerShell;
using TileCompile.PowerShell.Internal;

namespace TileCompile;

/// <summary>
/// <para type="synopsis">Re-hashes every artifact and output of a run against its manifests.</para>
/// <para type="description">Get-TileRun compares file sizes only, which is fast; Test-TileRun reads every file and
/// compares its SHA-256 with the manifest, so it also finds damage that kept a file's size (a bad disk sector, a
/// tool that rewrote a file in place). A resume after damage runs the first damaged phase again. With -Quiet
/// the cmdlet returns only $true (intact) or $false.</para>
/// </summary>
/// <example>
/// <code>Test-TileRun -Path runs/20260108_220541_bf8ccabf</code>
/// <para>Shows whether the run is intact and, if not, which files differ and which phase a resume runs again.</para>
/// </example>
/// <example>
/// <code>Get-TileRun -Status Completed | Test-TileRun | Where-Object { -not $_.IsIntact } | Resume-TileRun</code>
/// <para>Finds damaged runs and repairs them.</para>
/// </example>
/// <example>
/// <code>if (-not (Test-TileRun -Path $run -Quiet)) { Write-Warning "$run is damaged" }</code>
/// <para>Only $true or $false.</para>
/// </example>
[Cmdlet(VerbsDiagnostic.Test, "TileRun", DefaultParameterSetName = "Path")]
[OutputType(typeof(TileRunVerification), typeof(bool))]
public sealed class TestTileRun : RunCmdletBase
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

    /// <summary><para type="description">Return only $true (intact) or $false.</para></summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var dir in ResolveRunPaths(Path, LiteralPath))
        {
            try
            {
                var report = RunBridge.Translate(() => RunBridge.Verify(dir, StopToken));
                if (Quiet) WriteObject(report.IsIntact);
                else WriteObject(report);
            }
            catch (TileOperationException e)
            {
                WriteTileError(e, dir);
            }
        }
    }
}
