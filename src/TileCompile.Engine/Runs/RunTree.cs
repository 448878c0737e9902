namespace TileCompile.Engine.Runs;

/// <summary>
/// Walks a run directory without leaving it: symbolic links (and other reparse points) are neither followed nor
/// counted, so a link a user put into a run can never make a sweep delete, a size sum count or a walk loop over
/// files somewhere else. (Deleting needs nothing of its own: Directory.Delete removes a link, never its target.)
/// </summary>
public static class RunTree
{
    private static readonly EnumerationOptions WithinTree = new()
    {
        RecurseSubdirectories = true,
        AttributesToSkip = FileAttributes.ReparsePoint,
        IgnoreInaccessible = true,
        MatchCasing = MatchCasing.CaseSensitive,
    };

    /// <summary>Regular files below <paramref name="root"/> whose names match <paramref name="pattern"/>.</summary>
    public static IEnumerable<FileInfo> Files(string root, string pattern = "*")
    {
        if (!Directory.Exists(root) || IsLink(root)) return Array.Empty<FileInfo>();
        return new DirectoryInfo(root).EnumerateFiles(pattern, WithinTree);
    }

    /// <summary>Bytes of the files below <paramref name="root"/>, links not followed.</summary>
    public static long Size(string root)
    {
        long total = 0;
        foreach (var f in Files(root))
        {
            try { total += f.Length; }
            catch (FileNotFoundException) { }
        }
        return total;
    }

    /// <summary>Whether the path is a symbolic link (to anything, or dangling).</summary>
    public static bool IsLink(string path)
    {
        try { return new FileInfo(path).LinkTarget is not null; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
