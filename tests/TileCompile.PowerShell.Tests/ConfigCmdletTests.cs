using TileCompile.PowerShell.Tests.Support;

namespace TileCompile.PowerShell.Tests;

public class ConfigCmdletTests
{
    [Fact]
    public void NewTileRunConfigWritesTheShippedDefaults()
    {
        using var dir = new TempDirectory();
        using var session = new PowerShellSession();
        session.SetLocation(dir.Path);
        var file = session.Run("New-TileRunConfig")[0];
        Assert.Equal(dir.File("tile_compile.yaml"), file.Properties["FullName"].Value);
        Assert.Equal(File.ReadAllText(Path.Combine(PowerShellSession.RepoRoot, "module", "tile_compile.yaml")), File.ReadAllText(dir.File("tile_compile.yaml")));

        var (_, errors) = session.RunAllowingErrors("New-TileRunConfig");
        Assert.Equal("FileExists,TileCompile.NewTileRunConfig", Assert.Single(errors).FullyQualifiedErrorId);
        Assert.Single(session.Run("New-TileRunConfig -Force"));
    }

    [Fact]
    public void NewConfigPipesIntoTestConfig()
    {
        using var dir = new TempDirectory();
        using var session = new PowerShellSession();
        var result = session.Run($"New-TileRunConfig -Path '{dir.File("a.yaml")}' | Test-TileRunConfig")[0];
        Assert.True((bool)result.Properties["IsValid"].Value);
        Assert.Matches("^[0-9a-f]{64}$", (string)result.Properties["ConfigHash"].Value);
    }

    [Fact]
    public void TestTileRunConfigReportsLineKeyAndMessage()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("bad.yaml"), "stacking:\n  method: median\nbge:\n  enabled: true\n");
        using var session = new PowerShellSession();
        var result = session.Run($"Test-TileRunConfig '{dir.File("bad.yaml")}'")[0];
        Assert.False((bool)result.Properties["IsValid"].Value);
        Assert.Equal(1, result.Properties["ErrorCount"].Value);
        var issues = session.Run($"(Test-TileRunConfig '{dir.File("bad.yaml")}').Issues | Where-Object Severity -eq Error");
        var issue = Assert.Single(issues);
        Assert.Equal(2, issue.Properties["Line"].Value);
        Assert.Equal("stacking.method", issue.Properties["Key"].Value);
        Assert.Contains("rej, average", (string)issue.Properties["Message"].Value);
        Assert.False((bool)session.Run($"Test-TileRunConfig '{dir.File("bad.yaml")}' -Quiet")[0].BaseObject);
    }

    [Fact]
    public void FileInfoObjectsBindByFullName()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("a.yaml"), "tile:\n  min_size: 64\n");
        File.WriteAllText(dir.File("b.yaml"), "tile:\n  min_size: 4\n");
        using var session = new PowerShellSession();
        var results = session.Run($"[System.IO.FileInfo]'{dir.File("a.yaml")}', [System.IO.FileInfo]'{dir.File("b.yaml")}' | Test-TileRunConfig -Quiet");
        Assert.Equal(new object[] { true, false }, results.Select(r => r.BaseObject));
    }

    [Fact]
    public void MissingFileIsANonTerminatingErrorNamingThePath()
    {
        using var dir = new TempDirectory();
        using var session = new PowerShellSession();
        var (output, errors) = session.RunAllowingErrors($"Test-TileRunConfig '{dir.File("none.yaml")}'");
        Assert.Empty(output);
        var error = Assert.Single(errors);
        Assert.Equal("FileNotFound,TileCompile.TestTileRunConfig", error.FullyQualifiedErrorId);
        Assert.Contains("none.yaml", error.Exception.Message);
    }
}
