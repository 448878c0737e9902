using System.Diagnostics;

namespace TileCompile.Engine.Tests.Support;

/// <summary>Runs the tile-compile CLI as a child process (as GUIs and scripts do).</summary>
public static class CliProcess
{
    public static string CliDll
    {
        get
        {
            // Same configuration as the test binaries (bin/<Configuration>/net10.0/).
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/', '\\')).Parent!.Name;
            var path = Path.Combine(RepoPaths.Root, "src", "TileCompile.Cli", "bin", configuration, "net8.0", "TileCompile.Cli.dll");
            if (!File.Exists(path)) throw new InvalidOperationException($"the CLI is not built: {path}");
            return path;
        }
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        psi.ArgumentList.Add(CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("TILECOMPILE_FAULT");
        if (environment is not null) foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(180_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("tile-compile " + string.Join(' ', args) + " did not finish in 3 minutes");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
