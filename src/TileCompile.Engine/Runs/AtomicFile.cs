using System.Security.Cryptography;

namespace TileCompile.Engine.Runs;

/// <summary>Writes files so that readers see either the old content or the complete new content.</summary>
public static class AtomicFile
{
    /// <summary>Prefix of temporary names; leftovers are swept when a lock is taken.</summary>
    public const string PartialMarker = ".partial-";

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> through a temporary file, flushed to disk, then renamed.</summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes, Action? beforeRename = null)
    {
        var temp = TempName(path);
        try
        {
            using (var s = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                s.Write(bytes);
                s.Flush(flushToDisk: true);
            }
            beforeRename?.Invoke();
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>A fresh temporary name next to <paramref name="path"/>.</summary>
    public static string TempName(string path) =>
        path + PartialMarker + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();

    /// <summary>Deletes a file, ignoring failures.</summary>
    public static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Removes leftover temporary files below <paramref name="root"/> (crash debris).</summary>
    public static int SweepPartials(string root)
    {
        if (!Directory.Exists(root)) return 0;
        var n = 0;
        // Links are not followed: a folder linked into the run is somebody else's, whatever its files are called.
        foreach (var f in RunTree.Files(root, "*" + PartialMarker + "*").ToList())
        {
            TryDelete(f.FullName);
            n++;
        }
        return n;
    }
}
