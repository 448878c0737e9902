using System.Diagnostics;

namespace TileCompile.Engine.Tests.Support;

/// <summary>
/// Runs the interop peers: Debian's fitsverify and astropy. CI installs both (see .ci/run); a
/// missing tool fails the test with the install command rather than skipping silently.
/// </summary>
public static class ExternalTools
{
    public static string Python
    {
        get
        {
            foreach (var candidate in new[] { "/usr/bin/python3", "python3" })
            {
                var (code, _, _) = Run(candidate, "-c \"import astropy, numpy\"", null, throwOnMissing: false);
                if (code == 0) return candidate;
            }
            throw new InvalidOperationException("astropy is not installed: run 'apt-get install python3-astropy' (CI does this in .ci/run)");
        }
    }

    /// <summary>Runs a Python script with astropy available; returns its standard output.</summary>
    public static string RunPython(string script, string workingDirectory)
    {
        var file = System.IO.Path.Combine(workingDirectory, "script_" + Guid.NewGuid().ToString("N")[..8] + ".py");
        File.WriteAllText(file, script);
        var (code, stdout, stderr) = Run(Python, $"\"{file}\"", workingDirectory);
        if (code != 0) throw new InvalidOperationException($"python failed ({code}):\n{stderr}\n{stdout}");
        return stdout;
    }

    /// <summary>Runs fitsverify on a file; returns (errors, warnings, full report).</summary>
    public static (int Errors, int Warnings, string Report) FitsVerify(string path)
    {
        var (_, stdout, stderr) = Run("fitsverify", $"\"{path}\"", null);
        var report = stdout + stderr;
        var marker = "Verification found ";
        var i = report.LastIndexOf(marker, StringComparison.Ordinal);
        if (i < 0) throw new InvalidOperationException("unexpected fitsverify output:\n" + report);
        var tail = report[(i + marker.Length)..];
        var warnings = int.Parse(tail[..tail.IndexOf(' ')]);
        var errorsPart = tail[(tail.IndexOf("and ", StringComparison.Ordinal) + 4)..];
        var errors = int.Parse(errorsPart[..errorsPart.IndexOf(' ')]);
        return (errors, warnings, report);
    }

    public static (int Code, string Stdout, string Stderr) Run(string exe, string args, string? workingDirectory, bool throwOnMissing = true)
    {
        var psi = new ProcessStartInfo(exe, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        try
        {
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, stdout.Result, stderr);
        }
        catch (System.ComponentModel.Win32Exception) when (!throwOnMissing)
        {
            return (-1, "", "");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{exe}' is not installed: run 'apt-get install fitsverify python3-astropy' (CI does this in .ci/run)", e);
        }
    }
}
