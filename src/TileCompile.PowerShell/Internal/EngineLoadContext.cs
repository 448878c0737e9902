using System.Reflection;
using System.Runtime.Loader;

namespace TileCompile.PowerShell.Internal;

/// <summary>
/// The private load context of the engine and its NuGet dependencies (YamlDotNet, Tensors…), so
/// that other modules shipping different versions of the same libraries do not clash with ours.
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    private readonly string _dependencyDirectory;

    public EngineLoadContext(string dependencyDirectory) : base("TileCompile.Engine", isCollectible: false)
    {
        _dependencyDirectory = dependencyDirectory;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var candidate = Path.Combine(_dependencyDirectory, assemblyName.Name + ".dll");
        // Anything not shipped in deps/ (the framework) is shared with the default context.
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }
}
