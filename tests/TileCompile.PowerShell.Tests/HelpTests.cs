using TileCompile.PowerShell.Tests.Support;

namespace TileCompile.PowerShell.Tests;

public class HelpTests
{
    [Fact]
    public void EveryCmdletHasSynopsisParametersAndExamples()
    {
        using var session = new PowerShellSession();
        foreach (var name in ModuleManifestTests.Cmdlets)
        {
            var synopsis = session.Run($"(Get-Help {name}).Synopsis")[0].ToString()!;
            Assert.False(synopsis.StartsWith(name, StringComparison.Ordinal) || synopsis.Length < 15, $"{name} has no real synopsis: '{synopsis}'");
            var examples = session.Run($"@((Get-Help {name} -Examples).examples.example).Count")[0];
            Assert.True((int)examples.BaseObject >= 1, $"{name} has no example");
            var parameters = session.Run($"(Get-Help {name} -Full).parameters.parameter | ForEach-Object {{ $_.description.Text }}");
            Assert.All(parameters, p => Assert.False(string.IsNullOrWhiteSpace(p?.ToString()), $"{name} has a parameter without description"));
        }
    }

    [Fact]
    public void ResumeTileRunExamplesShowThePipeline()
    {
        using var session = new PowerShellSession();
        var code = session.Run("(Get-Help Resume-TileRun -Examples).examples.example | ForEach-Object code").Select(c => c.ToString()).ToList();
        Assert.Contains("Get-TileRun | Where-Object Status -eq Failed | Resume-TileRun", code);
        var fromPhase = session.Run("(Get-Help Resume-TileRun -Parameter FromPhase).description.Text")[0].ToString();
        Assert.Contains("STACKING", fromPhase);
    }
}
