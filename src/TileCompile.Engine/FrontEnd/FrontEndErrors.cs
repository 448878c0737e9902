using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.FrontEnd;

/// <summary>What kind of problem an error id names; each front end maps it to its own categories.</summary>
public enum ErrorKind
{
    /// <summary>A run, folder, file or key that does not exist.</summary>
    NotFound,
    /// <summary>Content that cannot be used: a frame, a config, an artifact.</summary>
    InvalidData,
    /// <summary>An argument or option outside what is allowed.</summary>
    InvalidArgument,
    /// <summary>Another process holds the run.</summary>
    Busy,
    /// <summary>The thing to be created exists already.</summary>
    Exists,
    /// <summary>The request does not fit the run's state.</summary>
    InvalidOperation,
    /// <summary>A limit (retries, memory) stops the run.</summary>
    LimitsExceeded,
    /// <summary>Reading or writing failed.</summary>
    IOError,
    /// <summary>None of the above.</summary>
    Unspecified,
}

/// <summary>
/// The one mapping from an exception to the stable error id that scripts match on, shared by the CLI (the JSON
/// <c>error.id</c>) and the cmdlets (the first part of <c>FullyQualifiedErrorId</c>).
/// </summary>
public static class FrontEndErrors
{
    /// <summary>A FITS file could not be read.</summary>
    public const string FitsFormat = "FitsFormat";
    /// <summary>A folder that does not exist.</summary>
    public const string DirectoryNotFound = "DirectoryNotFound";
    /// <summary>A file that does not exist.</summary>
    public const string FileNotFound = "FileNotFound";
    /// <summary>An argument outside what is allowed.</summary>
    public const string InvalidArgument = "InvalidArgument";
    /// <summary>Reading or writing failed.</summary>
    public const string IOError = "IOError";

    /// <summary>The id and kind of an error a user can act on; null for an exception that is a bug, not a user error.</summary>
    public static (string Id, ErrorKind Kind)? Identify(Exception e) => e switch
    {
        TileRunException t => (t.ErrorId, KindOf(t.ErrorId)),
        ConfigValidationException => (RunErrorIds.ConfigInvalid, ErrorKind.InvalidData),
        FitsFormatException => (FitsFormat, ErrorKind.InvalidData),
        DirectoryNotFoundException => (DirectoryNotFound, ErrorKind.NotFound),
        FileNotFoundException => (FileNotFound, ErrorKind.NotFound),
        ArgumentException => (InvalidArgument, ErrorKind.InvalidArgument),
        IOException or UnauthorizedAccessException => (IOError, ErrorKind.IOError),
        _ => null,
    };

    /// <summary>The kind of problem <paramref name="id"/> names.</summary>
    public static ErrorKind KindOf(string id) => id switch
    {
        RunErrorIds.RunNotFound or RunErrorIds.InputNotFound or RunErrorIds.ConfigMissing or DirectoryNotFound or FileNotFound => ErrorKind.NotFound,
        RunErrorIds.ConfigInvalid or RunErrorIds.ArtifactsMissing or RunErrorIds.InputChanged or FitsFormat => ErrorKind.InvalidData,
        RunErrorIds.InvalidPhase or InvalidArgument => ErrorKind.InvalidArgument,
        RunErrorIds.RunBusy => ErrorKind.Busy,
        RunErrorIds.RunExists => ErrorKind.Exists,
        RunErrorIds.AlreadyCompleted or RunErrorIds.RunNotRunning => ErrorKind.InvalidOperation,
        RunErrorIds.RetryLimit or RunErrorIds.MemoryLimit => ErrorKind.LimitsExceeded,
        IOError => ErrorKind.IOError,
        _ => ErrorKind.Unspecified,
    };
}

/// <summary>The words both front ends use for a resume plan, so the CLI's JSON, its text and the cmdlets' objects agree.</summary>
public static class PlanVocabulary
{
    /// <summary><c>skip</c>, <c>run</c> or <c>run_unless_unchanged</c>.</summary>
    public static string Action(PhaseAction action) => action switch
    {
        PhaseAction.Skip => "skip",
        PhaseAction.Run => "run",
        _ => "run_unless_unchanged",
    };
}
