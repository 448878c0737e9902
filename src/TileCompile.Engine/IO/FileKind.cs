using System.Runtime.InteropServices;

namespace TileCompile.Engine.IO;

/// <summary>What a path names, after following links.</summary>
public enum FileKind
{
    /// <summary>A regular file: the only kind that is read as a frame or a configuration.</summary>
    Regular,
    /// <summary>A folder.</summary>
    Directory,
    /// <summary>A named pipe: opening it blocks until something writes to it.</summary>
    Fifo,
    /// <summary>A character device such as /dev/zero: reading it may never end.</summary>
    CharacterDevice,
    /// <summary>A block device.</summary>
    BlockDevice,
    /// <summary>A socket.</summary>
    Socket,
    /// <summary>Nothing, or a link whose target does not exist.</summary>
    Missing,
    /// <summary>A chain of links that never reaches a file.</summary>
    LinkLoop,
}

/// <summary>
/// Tells the kind of a path before it is opened. Opening a named pipe blocks and reading a device may never end,
/// and .NET reports both as ordinary files, so the kind comes from the operating system's own stat call.
/// </summary>
public static unsafe class FileKinds
{
    private const uint TypeMask = 0xF000;

    /// <summary>The kind of <paramref name="path"/>, links followed.</summary>
    public static FileKind Of(string path)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            var kind = Stat(path);
            if (kind is not null) return kind.Value;
        }
        if (Directory.Exists(path)) return FileKind.Directory;
        return File.Exists(path) ? FileKind.Regular : FileKind.Missing;
    }

    /// <summary>A phrase for messages: "a named pipe", "a folder"...</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a folder",
        FileKind.Fifo => "a named pipe (FIFO)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.Missing => "missing (or a link to nothing)",
        FileKind.LinkLoop => "a loop of symbolic links",
        _ => kind.ToString(),
    };

    // Null when this platform's stat layout is not known; the caller then falls back to what .NET can tell.
    private static FileKind? Stat(string path)
    {
        int? modeOffset = (OperatingSystem.IsLinux(), RuntimeInformation.ProcessArchitecture) switch
        {
            (true, Architecture.X64) => 24,
            (true, Architecture.Arm64) => 16,
            (false, Architecture.X64 or Architecture.Arm64) => 4,
            _ => null,
        };
        if (modeOffset is null) return null;
        var buffer = stackalloc byte[512];
        int rc;
        try
        {
            rc = OperatingSystem.IsLinux() ? LinuxStat(path, buffer)
                : RuntimeInformation.ProcessArchitecture == Architecture.X64 ? MacStat64(path, buffer) : MacStat(path, buffer);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
        if (rc != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == (OperatingSystem.IsLinux() ? 40 : 62) ? FileKind.LinkLoop : FileKind.Missing;
        }
        uint mode = OperatingSystem.IsLinux() ? *(uint*)(buffer + modeOffset.Value) : *(ushort*)(buffer + modeOffset.Value);
        return (mode & TypeMask) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Missing,
        };
    }

    private static int LinuxStat(string path, byte* buffer)
    {
        try
        {
            return stat(path, buffer);
        }
        catch (EntryPointNotFoundException)
        {
            // glibc before 2.33 exports stat only through its versioned wrapper.
            return __xstat(RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 1 : 0, path, buffer);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte* buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int __xstat(int version, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte* buffer);

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int MacStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte* buffer);

    [DllImport("libc", EntryPoint = "stat$INODE64", SetLastError = true)]
    private static extern int MacStat64([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte* buffer);
}
