using System.Runtime.Loader;
using TileCompile.PowerShell.Tests.Support;

namespace TileCompile.PowerShell.Tests;

/// <summary>The module works beside another module that already loaded a different YamlDotNet, and keeps its libraries to itself.</summary>
public class DependencyIsolationTests : IClassFixture<SampleFrames>
{
    private readonly SampleFrames _frames;
    public DependencyIsolationTests(SampleFrames frames) => _frames = frames;

    [Fact]
    public void A_run_loads_MathNet_from_the_modules_own_folder_into_the_engines_context()
    {
        using var dir = new TempDirectory();
        using var session = new PowerShellSession();
        var run = session.Run($"Start-TileRun '{_frames.FramesPath}' -RunsRoot '{dir.Path}' -RunId deps -PassThru")[^1];
        Assert.Equal("Completed", run.Properties["Status"].Value.ToString());

        var mathNet = Assert.Single(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "MathNet.Numerics");
        Assert.Equal("TileCompile.Engine", AssemblyLoadContext.GetLoadContext(mathNet)!.Name);
        Assert.StartsWith(Path.Combine(PowerShellSession.RepoRoot, "module", "bin", "deps"), mathNet.Location);
    }

    [Fact]
    public void EngineUsesItsOwnYamlDotNetWhenAnotherVersionIsLoaded()
    {
        // Load the foreign YamlDotNet (13.7.1, from this test project) into the default context first.
        var foreign = typeof(YamlDotNet.Serialization.Deserializer).Assembly;
        Assert.Equal(13, foreign.GetName().Version!.Major);

        using var dir = new TempDirectory();
        var file = dir.File("c.yaml");
        File.WriteAllText(file, "stacking:\n  sigma_clip:\n    sigma_low: 2.0\n");
        using var session = new PowerShellSession();
        var valid = (bool)session.Run($"Test-TileRunConfig -Path '{file}' -Quiet")[0].BaseObject;
        Assert.True(valid);

        var yamls = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == "YamlDotNet").ToList();
        Assert.Equal(2, yamls.Count);
        var ours = Assert.Single(yamls, a => a != foreign);
        Assert.Equal("TileCompile.Engine", AssemblyLoadContext.GetLoadContext(ours)!.Name);
        var engine = Assert.Single(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "TileCompile.Engine");
        Assert.Equal("TileCompile.Engine", AssemblyLoadContext.GetLoadContext(engine)!.Name);
        Assert.StartsWith(Path.Combine(PowerShellSession.RepoRoot, "module", "bin", "deps"), engine.Location);
    }

    [Fact]
    public void TwoRunspacesShareTheModuleSafely()
    {
        using var dir = new TempDirectory();
        var file = dir.File("c.yaml");
        File.WriteAllText(file, "tile:\n  min_size: 64\n");
        using var first = new PowerShellSession();
        using var second = new PowerShellSession();
        first.Run("Remove-Module TileCompile");
        Assert.True((bool)second.Run($"Test-TileRunConfig -Path '{file}' -Quiet")[0].BaseObject);
    }
}
