using TileCompile.PowerShell.Tests.Support;

namespace TileCompile.PowerShell.Tests;

public class NewTileSampleDataTests
{
    [Fact]
    public void WritesFramesRelativeToTheCurrentLocation()
    {
        using var dir = new TempDirectory();
        using var session = new PowerShellSession();
        session.SetLocation(dir.Path);
        var result = session.Run("New-TileSampleData -Path ./s1 -Frames 4 -Width 96 -Height 80 -Seed 9")[0];
        var expected = Path.Combine(dir.Path, "s1");
        Assert.Equal(expected, result.Properties["Path"].Value);
        Assert.Equal(4, result.Properties["FrameCount"].Value);
        Assert.Equal(4, result.Properties["Frames"].Value);
        Assert.Equal("Mono", result.Properties["Sensor"].Value.ToString());
        Assert.True(File.Exists(Path.Combine(expected, "light_0004.fit")));
        Assert.True(File.Exists(Path.Combine(expected, "truth.json")));
        Assert.Equal(4, ((string[])result.Properties["Files"].Value).Length);
    }

    [Fact]
    public void WhatIfWritesNothing()
    {
        using var dir = new TempDirectory();
        using var session = new PowerShellSession();
        var output = session.Run($"New-TileSampleData -Path '{dir.File("w")}' -Frames 2 -WhatIf");
        Assert.Empty(output);
        Assert.False(Directory.Exists(dir.File("w")));
    }

    [Fact]
    public void NonEmptyFolderNeedsForce()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("keep.txt"), "mine");
        using var session = new PowerShellSession();
        var (output, errors) = session.RunAllowingErrors($"New-TileSampleData -Path '{dir.Path}' -Frames 2 -Width 64 -Height 64");
        Assert.Empty(output);
        var error = Assert.Single(errors);
        Assert.Equal("DirectoryNotEmpty,TileCompile.NewTileSampleData", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        Assert.Equal(dir.Path, error.TargetObject);
        Assert.Single(Directory.GetFiles(dir.Path));

        var forced = session.Run($"New-TileSampleData -Path '{dir.Path}' -Frames 2 -Width 64 -Height 64 -Force");
        Assert.Single(forced);
        Assert.Equal("mine", File.ReadAllText(dir.File("keep.txt")));
    }

    [Fact]
    public void BadParametersAreTerminatingErrors()
    {
        using var dir = new TempDirectory();
        using var session = new PowerShellSession();
        var range = session.RunExpectingFailure($"New-TileSampleData -Path '{dir.File("x")}' -Width 10");
        Assert.StartsWith("ParameterArgumentValidationError", range.FullyQualifiedErrorId);
        var odd = session.RunExpectingFailure($"New-TileSampleData -Path '{dir.File("x")}' -Sensor Rggb -Width 101");
        Assert.Equal("InvalidSampleOptions,TileCompile.NewTileSampleData", odd.FullyQualifiedErrorId);
        Assert.Contains("even", odd.Exception.Message);
        Assert.False(Directory.Exists(dir.File("x")));
    }
}
