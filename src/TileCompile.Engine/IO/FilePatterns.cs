namespace TileCompile.Engine.IO;

/// <summary>The file-name patterns that select input frames.</summary>
public static class FilePatterns
{
    /// <summary>
    /// Why a file-name pattern cannot be used, or null: patterns name files in the input folder and may not reach
    /// outside it.
    /// </summary>
    public static string? Problem(string pattern)
    {
        if (pattern.Length == 0) return "is empty";
        if (Path.IsPathRooted(pattern) || pattern.Contains('/') || pattern.Contains('\\'))
            return "must be a file-name pattern such as '*.fit' (no folders: frames are read from the input folder only)";
        if (pattern.Contains("..", StringComparison.Ordinal)) return "must not contain '..'";
        return null;
    }
}
