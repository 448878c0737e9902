using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TileCompile.Engine.Runs;

/// <summary>Who holds a run's lock (the content of <c>run.lock</c>).</summary>
public sealed record LockHolder
{
    /// <summary>Random token identifying this holding.</summary>
    [JsonPropertyName("token")] public string Token { get; init; } = "";
    /// <summary>Process id.</summary>
    [JsonPropertyName("pid")] public int Pid { get; init; }
    /// <summary>Process start time (UTC), to tell a reused pid from the holder.</summary>
    [JsonPropertyName("process_start")] public DateTime? ProcessStart { get; init; }
    /// <summary>Machine name.</summary>
    [JsonPropertyName("host")] public string Host { get; init; } = "";
    /// <summary>Boot id of the machine (Linux), to tell a holder from before a reboot.</summary>
    [JsonPropertyName("boot_id")] public string BootId { get; init; } = "";
    /// <summary>When the lock was taken (UTC).</summary>
    [JsonPropertyName("acquired")] public DateTime Acquired { get; init; }
    /// <summary>Last heartbeat (UTC).</summary>
    [JsonPropertyName("heartbeat")] public DateTime Heartbeat { get; init; }
    /// <summary>What the holder is doing, e.g. "resume --from-phase 10".</summary>
    [JsonPropertyName("command")] public string Command { get; init; } = "";

    /// <summary>"pid 1234 on host since 2026-01-08 22:05:41Z".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"pid {Pid} on {Host} since {Acquired:yyyy-MM-dd HH:mm:ss}Z");
}

/// <summary>Another live process works on the run.</summary>
public sealed class RunBusyException : Exception
{
    /// <summary>Creates the exception naming the holder.</summary>
    public RunBusyException(string runDir, LockHolder holder)
        : base($"run is busy: {Path.GetFileName(runDir)} is being processed by {holder.Describe()} ({holder.Command})")
    {
        Holder = holder;
    }

    /// <summary>The process holding the lock.</summary>
    public LockHolder Holder { get; }
}

/// <summary>This process no longer holds the lock it took (another process took it over).</summary>
public sealed class LockLostException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LockLostException(string message) : base(message) { }
}

/// <summary>
/// The run lock <c>run.lock</c>: created exclusively, kept open while held, refreshed by a
/// heartbeat. A lock whose process is dead (same host) or whose heartbeat is older than the lease
/// (another host) is taken over by renaming it aside, so only one contender can win.
/// </summary>
public sealed class RunLock : IDisposable
{
    /// <summary>Heartbeat period.</summary>
    public static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromSeconds(10);
    /// <summary>A lock from another host without heartbeat for this long is stale.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private readonly string _path;
    private readonly FileStream _stream;
    private readonly Timer _heartbeat;
    private readonly object _gate = new();
    private LockHolder _holder;
    private bool _released;

    private RunLock(string path, FileStream stream, LockHolder holder, LockHolder? takenOverFrom, TimeSpan heartbeat)
    {
        _path = path;
        _stream = stream;
        _holder = holder;
        TakenOverFrom = takenOverFrom;
        _heartbeat = new Timer(_ => Beat(), null, heartbeat, heartbeat);
    }

    /// <summary>Our holding.</summary>
    public LockHolder Holder => _holder;

    /// <summary>The stale holder whose lock we took over, or null.</summary>
    public LockHolder? TakenOverFrom { get; }

    /// <summary>Takes the lock of the run at <paramref name="lockPath"/>; throws <see cref="RunBusyException"/> when a live process holds it.</summary>
    public static RunLock Acquire(string lockPath, string command) => Acquire(lockPath, command, HeartbeatPeriod);

    /// <summary>As <see cref="Acquire(string, string)"/>, beating every <paramref name="heartbeat"/> (tests beat fast, without changing anyone else's lock).</summary>
    internal static RunLock Acquire(string lockPath, string command, TimeSpan heartbeat)
    {
        LockHolder? takenOver = null;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var holder = NewHolder(command);
            try
            {
                var stream = new FileStream(lockPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
                Write(stream, holder);
                return new RunLock(lockPath, stream, holder, takenOver, heartbeat);
            }
            catch (IOException) when (File.Exists(lockPath))
            {
                var existing = ReadHolder(lockPath);
                if (existing is not null && IsAlive(existing, lockPath))
                    throw new RunBusyException(Path.GetDirectoryName(lockPath)!, existing);
                if (existing is null && DateTime.UtcNow - File.GetLastWriteTimeUtc(lockPath) < TimeSpan.FromSeconds(1))
                {
                    // A contender is writing its lock right now (it writes the holder straight after creating the
                    // file); give it a moment, but an empty lock older than a second is nobody's.
                    Thread.Sleep(100);
                    continue;
                }
                // Rename aside: of several contenders exactly one rename succeeds.
                var aside = lockPath + ".stale-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
                try
                {
                    File.Move(lockPath, aside);
                    takenOver = existing ?? new LockHolder { Command = "(unreadable lock)" };
                    TryDelete(aside);
                }
                catch (IOException)
                {
                    // Someone else moved it first; try again.
                }
            }
        }
        throw new IOException($"could not take the lock {lockPath} after repeated attempts");
    }

    /// <summary>The holder recorded in a lock file, or null when absent or unreadable.</summary>
    public static LockHolder? ReadHolder(string lockPath)
    {
        try
        {
            using var s = new FileStream(lockPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var r = new StreamReader(s, Encoding.UTF8);
            var text = r.ReadToEnd();
            return string.IsNullOrWhiteSpace(text) ? null : JsonSerializer.Deserialize<LockHolder>(text, Json);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>True when the lock file names a process that is still working on the run.</summary>
    public static bool IsHeldByLiveProcess(string lockPath) =>
        File.Exists(lockPath) && ReadHolder(lockPath) is { } h && IsAlive(h, lockPath);

    /// <summary>Throws <see cref="LockLostException"/> when the lock file no longer carries our token (fencing before commits).</summary>
    public void EnsureHeld()
    {
        LockHolder? current;
        // Our own heartbeat rewrites the file under this gate, so it cannot be caught half-written here.
        lock (_gate) current = ReadHolder(_path);
        for (var retry = 0; current is null && File.Exists(_path) && retry < 5; retry++)
        {
            Thread.Sleep(20);
            lock (_gate) current = ReadHolder(_path);
        }
        if (current?.Token != _holder.Token)
            throw new LockLostException($"the run lock was taken over by {current?.Describe() ?? "another process"}; this process stops without committing");
    }

    private static bool IsAlive(LockHolder h, string lockPath)
    {
        if (string.Equals(h.Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            if (!string.IsNullOrEmpty(h.BootId) && h.BootId != BootId()) return false;
            if (h.Pid == Environment.ProcessId && h.ProcessStart == ProcessStart(Environment.ProcessId))
                return true;
            var start = ProcessStart(h.Pid);
            if (start is null) return false;
            // A reused pid has another start time.
            return h.ProcessStart is null || Math.Abs((start.Value - h.ProcessStart.Value).TotalSeconds) < 2;
        }
        var beat = h.Heartbeat == default ? File.GetLastWriteTimeUtc(lockPath) : h.Heartbeat;
        return DateTime.UtcNow - beat < Lease;
    }

    private static LockHolder NewHolder(string command)
    {
        var now = DateTime.UtcNow;
        return new LockHolder
        {
            Token = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(),
            Pid = Environment.ProcessId,
            ProcessStart = ProcessStart(Environment.ProcessId),
            Host = Environment.MachineName,
            BootId = BootId(),
            Acquired = now,
            Heartbeat = now,
            Command = command,
        };
    }

    private static DateTime? ProcessStart(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            var start = p.StartTime.ToUniversalTime();
            return new DateTime(start.Ticks - start.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }

    private static string BootId()
    {
        try
        {
            return File.Exists("/proc/sys/kernel/random/boot_id") ? File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim() : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static void Write(FileStream stream, LockHolder holder)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(holder, Json);
        stream.SetLength(0);
        stream.Position = 0;
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    private void Beat()
    {
        lock (_gate)
        {
            if (_released) return;
            try
            {
                _holder = _holder with { Heartbeat = DateTime.UtcNow };
                Write(_stream, _holder);
            }
            catch (IOException)
            {
                // The next commit's fencing check decides whether we still hold the run.
            }
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Releases the lock (deletes run.lock if it is still ours).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_released) return;
            _released = true;
        }
        _heartbeat.Dispose();
        var ours = ReadHolder(_path)?.Token == _holder.Token;
        _stream.Dispose();
        if (ours) TryDelete(_path);
    }
}
