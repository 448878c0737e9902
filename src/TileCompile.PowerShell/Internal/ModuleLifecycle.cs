using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace TileCompile.PowerShell.Internal;

/// <summary>
/// Hooks assembly resolution when the module is imported: the default context asks us for
/// <c>TileCompile.Engine</c> and we answer from <c>deps/</c> through <see cref="EngineLoadContext"/>.
/// </summary>
public sealed class ModuleLifecycle : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly object Gate = new();
    private static int _imports;
    private static EngineLoadContext? _context;

    /// <summary>The directory that holds the engine and its dependencies.</summary>
    internal static string DependencyDirectory { get; } =
        Path.Combine(Path.GetDirectoryName(typeof(ModuleLifecycle).Assembly.Location)!, "deps");

    /// <summary>Called by PowerShell on Import-Module.</summary>
    public void OnImport()
    {
        lock (Gate)
        {
            _context ??= new EngineLoadContext(DependencyDirectory);
            if (_imports++ == 0) AssemblyLoadContext.Default.Resolving += ResolveEngine;
        }
    }

    /// <summary>Called by PowerShell on Remove-Module.</summary>
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        lock (Gate)
        {
            if (_imports > 0 && --_imports == 0) AssemblyLoadContext.Default.Resolving -= ResolveEngine;
        }
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name)
    {
        // Only the engine is served: its own dependencies then resolve inside the private context.
        if (!string.Equals(name.Name, "TileCompile.Engine", StringComparison.Ordinal)) return null;
        return _context?.LoadFromAssemblyName(name);
    }
}
