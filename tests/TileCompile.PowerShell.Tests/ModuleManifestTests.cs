using System.Management.Automation;
using TileCompile.PowerShell.Tests.Support;

namespace TileCompile.PowerShell.Tests;

public class ModuleManifestTests
{
    internal static readonly string[] Cmdlets =
    {
        "Get-TileRun", "Get-TileRunEvent", "New-TileMaster", "New-TileRunConfig", "New-TileSampleData", "Remove-TileRun", "Resume-TileRun", "Start-TileRun",
        "Stop-TileRun", "Test-TileRun", "Test-TileRunConfig",
    };

    [Fact]
    public void ManifestPassesTestModuleManifest()
    {
        using var session = new PowerShellSession(import: false);
        var info = (PSModuleInfo)session.Run($"Test-ModuleManifest -Path '{PowerShellSession.ManifestPath}' -ErrorAction Stop")[0].BaseObject;
        Assert.Equal("TileCompile", info.Name);
        Assert.Equal(new Version(7, 4), info.PowerShellVersion);
        Assert.Contains("Core", info.CompatiblePSEditions);
    }

    [Fact]
    public void ImportFromTheRepositoryRootExportsEveryCmdlet()
    {
        using var session = new PowerShellSession();
        var names = session.Run("(Get-Module TileCompile).ExportedCmdlets.Keys").Select(o => (string)o.BaseObject).OrderBy(n => n).ToArray();
        Assert.Equal(Cmdlets, names);
        var moduleBase = (string)session.Run("(Get-Module TileCompile).ModuleBase")[0].BaseObject;
        Assert.Equal(PowerShellSession.RepoRoot.TrimEnd('/'), moduleBase.TrimEnd('/'));
    }

    [Fact]
    public void EveryCmdletDeclaresItsOutputType()
    {
        using var session = new PowerShellSession();
        foreach (var name in Cmdlets)
        {
            var types = session.Run($"(Get-Command {name}).OutputType.Name");
            Assert.NotEmpty(types);
        }
    }
}

public class AboutHelpTests
{
    [Fact]
    public void AboutTopicIsFoundNextToTheManifest()
    {
        using var session = new PowerShellSession();
        var text = string.Join("\n", session.Run("Get-Help about_TileCompile").Select(o => o.ToString()));
        Assert.Contains("Tile-Based Quality Reconstruction", text);
        Assert.Contains("10 STACKING", text);
    }
}
