using System.Management.Automation;
using TileCompile.PowerShell;
using TileCompile.PowerShell.Internal;

namespace TileCompile;

/// <summary>
/// <para type="synopsis">Checks a configuration file and reports every problem with its line and key.</para>
/// <para type="description">Errors (wrong types, values out of range, weights that do not sum to 1, YAML syntax)
/// make the file unusable; warnings (unknown keys) are reported and ignored by runs. With -Quiet the cmdlet
/// returns only $true or $false.</para>
/// </summary>
/// <example>
/// <code>Test-TileRunConfig ./tile_compile.yaml</code>
/// <para>Shows whether the file is valid and lists its issues.</para>
/// </example>
/// <example>
/// <code>(Test-TileRunConfig ./night.yaml).Issues | Format-Table Line, Key, Message</code>
/// <para>Lists each issue with its line.</para>
/// </example>
/// <example>
/// <code>Get-ChildItem *.yaml | Test-TileRunConfig -Quiet</code>
/// <para>Returns $true or $false for each YAML file in the folder.</para>
/// </example>
[Cmdlet(VerbsDiagnostic.Test, "TileRunConfig")]
[OutputType(typeof(TileConfigTestResult), typeof(bool))]
public sealed class TestTileRunConfig : PSCmdlet
{
    /// <summary><para type="description">Configuration file to check. Accepts FileInfo objects from Get-ChildItem.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary><para type="description">Return only $true (no errors) or $false.</para></summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (!File.Exists(target))
        {
            WriteError(new ErrorRecord(new FileNotFoundException($"The configuration file '{target}' does not exist.", target),
                ErrorIds.FileNotFound, ErrorCategory.ObjectNotFound, target));
            return;
        }
        var result = EngineBridge.TestConfig(target);
        if (Quiet) WriteObject(result.IsValid);
        else WriteObject(result);
    }
}
