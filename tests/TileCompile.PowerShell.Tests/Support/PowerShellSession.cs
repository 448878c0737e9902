using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace TileCompile.PowerShell.Tests.Support;

/// <summary>A real PowerShell runspace with the built module imported from the repository root.</summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    public PowerShellSession(bool import = true, CapturingHost? host = null)
    {
        var state = InitialSessionState.CreateDefault2();
        _runspace = host is null ? RunspaceFactory.CreateRunspace(state) : RunspaceFactory.CreateRunspace(host, state);
        _runspace.Open();
        if (host is not null) RunAllowingErrors("$PSStyle.OutputRendering = 'PlainText'");
        if (import) Run($"Import-Module '{ManifestPath}' -ErrorAction Stop");
    }

    public static string RepoRoot { get; } = FindRoot();
    public static string ManifestPath => Path.Combine(RepoRoot, "TileCompile.psd1");

    public Runspace Runspace => _runspace;

    /// <summary>Runs a script; throws when it writes errors, with their ids.</summary>
    public Collection<PSObject> Run(string script)
    {
        var (output, errors) = RunAllowingErrors(script);
        if (errors.Count > 0)
            throw new InvalidOperationException("script wrote errors: " + string.Join("; ", errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
        return output;
    }

    /// <summary>Runs a script and returns its output and the non-terminating errors it wrote.</summary>
    public (Collection<PSObject> Output, IReadOnlyList<ErrorRecord> Errors) RunAllowingErrors(string script)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        var output = ps.Invoke();
        return (output, ps.Streams.Error.ToList());
    }

    /// <summary>Runs a script expecting a terminating error; returns its record.</summary>
    public ErrorRecord RunExpectingFailure(string script)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        try
        {
            ps.Invoke();
        }
        catch (RuntimeException e)
        {
            return e.ErrorRecord;
        }
        if (ps.Streams.Error.Count > 0) return ps.Streams.Error[0];
        throw new InvalidOperationException("the script did not fail");
    }

    public void SetLocation(string path) => _runspace.SessionStateProxy.Path.SetLocation(path);

    public void Dispose() => _runspace.Dispose();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TileCompile.psd1"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("TileCompile.psd1 not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A scratch directory removed when the test ends.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tc-ps-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
