namespace TileCompile.Cli;

/// <summary>
/// The command the user started this program with, so that hints (how to resume, what to run next) name a
/// command they can type: <c>tile-compile</c> once installed as a .NET tool, the program's full path when it is
/// run from a build folder that is not on PATH, and <c>dotnet &lt;dll&gt;</c> when started through the host.
/// </summary>
public static class CommandName
{
    /// <summary>The command for this process.</summary>
    public static string Current { get; } = Detect(Environment.ProcessPath, typeof(CommandName).Assembly.Location,
        Environment.GetEnvironmentVariable("PATH"));

    /// <summary>The command that resumes the run in <paramref name="runDir"/>.</summary>
    public static string Resume(string runDir) => $"{Current} resume --run-dir {Quote(runDir)}";

    /// <summary>Works out the command from the process path, the program's assembly and the PATH variable.</summary>
    public static string Detect(string? processPath, string assemblyPath, string? pathVariable)
    {
        if (string.IsNullOrEmpty(processPath)) return "tile-compile";
        var name = Path.GetFileNameWithoutExtension(processPath);
        if (name.Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            return $"dotnet {Quote(assemblyPath)}";
        var dir = Path.GetDirectoryName(Path.GetFullPath(processPath)) ?? "";
        foreach (var entry in (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string full;
            try { full = Path.GetFullPath(entry); }
            catch (ArgumentException) { continue; }
            if (string.Equals(full.TrimEnd(Path.DirectorySeparatorChar), dir.TrimEnd(Path.DirectorySeparatorChar),
                    OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
                return name;
        }
        return Quote(processPath);
    }

    /// <summary>Quotes an argument for a POSIX shell or PowerShell when it needs quoting.</summary>
    public static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsLetterOrDigit(c) || c is '/' or '\\' or '.' or '_' or '-' or ':' or '~')
            ? value
            : "\"" + value.Replace("\"", "\\\"") + "\"";
}
