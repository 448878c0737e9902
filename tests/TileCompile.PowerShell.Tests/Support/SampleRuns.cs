using System.Diagnostics;
using System.Security.Cryptography;

namespace TileCompile.PowerShell.Tests.Support;

/// <summary>One generated frame folder shared by the run cmdlet tests (made through the module itself).</summary>
public sealed class SampleFrames : IDisposable
{
    private readonly TempDirectory _dir = new();

    public SampleFrames()
    {
        FramesPath = Path.Combine(_dir.Path, "frames");
        using var session = new PowerShellSession();
        session.Run($"New-TileSampleData -Path '{FramesPath}' -Frames 10 -Width 256 -Height 192 -Seed 5");
        BadConfig = Path.Combine(_dir.Path, "bad-reference.yaml");
        File.WriteAllText(BadConfig, "registration:\n  reference_frame: missing.fit\n");
    }

    public string FramesPath { get; }

    /// <summary>A configuration that makes registration fail (a reference frame that does not exist).</summary>
    public string BadConfig { get; }

    public void Dispose() => _dir.Dispose();

    public static string TreeHash(string dir) =>
        string.Join("\n", Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => Path.GetRelativePath(dir, f) + " " + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))));

    /// <summary>A run.lock naming this (live) test process, as a working process would write it.</summary>
    public static void HoldLock(string runDir)
    {
        using var self = Process.GetCurrentProcess();
        var start = self.StartTime.ToUniversalTime();
        start = new DateTime(start.Ticks - start.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var boot = File.Exists("/proc/sys/kernel/random/boot_id") ? File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim() : "";
        var json = $$"""{"token":"test","pid":{{Environment.ProcessId}},"process_start":"{{start:O}}","host":"{{Environment.MachineName}}","boot_id":"{{boot}}","acquired":"{{DateTime.UtcNow:O}}","heartbeat":"{{DateTime.UtcNow:O}}","command":"test holder"}""";
        File.WriteAllText(Path.Combine(runDir, "run.lock"), json);
    }
}
