using System.Management.Automation;
using System.Text;
using TileCompile.PowerShell;
using TileCompile.PowerShell.Internal;

namespace TileCompile;

/// <summary>
/// <para type="synopsis">Writes a configuration file with every key at its documented default.</para>
/// <para type="description">The file lists every key the engine reads, with a comment that says what it does and
/// which values are allowed. Edit it and pass it to Start-TileRun -ConfigPath; Test-TileRunConfig checks it.</para>
/// </summary>
/// <example>
/// <code>New-TileRunConfig -Path ./tile_compile.yaml</code>
/// <para>Writes the default configuration.</para>
/// </example>
/// <example>
/// <code>New-TileRunConfig ./night.yaml -Force | Test-TileRunConfig</code>
/// <para>Overwrites night.yaml with the defaults and checks it.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "TileRunConfig", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class NewTileRunConfig : PSCmdlet
{
    /// <summary><para type="description">File to write (default ./tile_compile.yaml).</para><para type="default">./tile_compile.yaml</para></summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "tile_compile.yaml";

    /// <summary><para type="description">Replace an existing file.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (File.Exists(target) && !Force)
        {
            WriteError(new ErrorRecord(new IOException($"The file '{target}' already exists. Use -Force to replace it."),
                ErrorIds.FileExists, ErrorCategory.ResourceExists, target));
            return;
        }
        if (!ShouldProcess(target, "Write the default TileCompile configuration")) return;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        File.WriteAllText(target, EngineBridge.DefaultConfigYaml(), new UTF8Encoding(false));
        WriteObject(new FileInfo(target));
    }
}
