namespace TileCompile.Engine.Runs;

/// <summary>
/// Walks a run directory without leaving it: symbolic links (and other reparse points) are neither followed nor
/// counted, so a link a user put into a run can never make a sweep delete, a size sum count or a walk loop over
/// files somewhere else.
/// </summary>
public static class RunTree
{
    private static EnumerationOptions Options(bool recurse) => new()
    {
        RecurseSubdirectories = recurse,
        AttributesToSkip = FileAttributes.ReparsePoint,
        IgnoreInaccessible = true,
        MatchCasing = MatchCasing.CaseSensitive,
    };

    /// <summary>Regular files below <paramref name="root"/> whose names match <paramref name="pattern"/>.</summary>
    public static IEnumerable<FileInfo> Files(string root, string pattern = "*")
    {
        if (!Directory.Exists(root) || IsLink(root)) return Array.Empty<FileInfo>();
        return new DirectoryInfo(root).EnumerateFiles(pattern, Options(recurse: true));
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

    /// <summary>
    /// Deletes a folder and what is in it; a link inside is removed as a link and what it points to is left alone.
    /// A <paramref name="dir"/> that is itself a link is only unlinked.
    /// </summary>
    public static void Delete(string dir)
    {
        if (IsLink(dir))
        {
            File.Delete(dir);
            return;
        }
        if (!Directory.Exists(dir)) return;
        var info = new DirectoryInfo(dir);
        foreach (var entry in info.EnumerateFileSystemInfos("*", new EnumerationOptions { IgnoreInaccessible = false, AttributesToSkip = 0 }))
        {
            if (entry.LinkTarget is not null) File.Delete(entry.FullName);
            else if (entry is DirectoryInfo sub) Delete(sub.FullName);
            else entry.Delete();
        }
        info.Delete();
    }

    /// <summary>Whether the path is a symbolic link (to anything, or dangling).</summary>
    public static bool IsLink(string path)
    {
        try { return new FileInfo(path).LinkTarget is not null; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
