namespace TileCompile.Engine.Tests.Support;

/// <summary>Locates the repository root from the test binaries.</summary>
public static class RepoPaths
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TileCompile.psd1")) && !File.Exists(Path.Combine(dir.FullName, "TileCompile.PowerShell.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
