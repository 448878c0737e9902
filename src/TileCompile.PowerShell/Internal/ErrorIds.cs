namespace TileCompile.PowerShell.Internal;

/// <summary>Stable error ids (the first part of FullyQualifiedErrorId); scripts match on them.</summary>
internal static class ErrorIds
{
    public const string FileNotFound = "FileNotFound";
    public const string FileExists = "FileExists";
    public const string DirectoryNotEmpty = "DirectoryNotEmpty";
    public const string InvalidSampleOptions = "InvalidSampleOptions";
    public const string SampleGenerationFailed = "SampleGenerationFailed";
}
