using System.Reflection;

namespace TileCompile.Engine;

/// <summary>Identity of the engine build, recorded in run directories and output headers.</summary>
public static class EngineInfo
{
    /// <summary>The engine's informational version (for example <c>0.1.0</c>).</summary>
    public static string Version { get; } =
        typeof(EngineInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}
