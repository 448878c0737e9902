namespace TileCompile.Engine.Contracts;

/// <summary>Stable ids of run-level errors (CLI JSON <c>error.id</c>, PowerShell FullyQualifiedErrorId).</summary>
public static class RunErrorIds
{
    /// <summary>The run directory does not exist or is not a run.</summary>
    public const string RunNotFound = "RunNotFound";
    /// <summary>config.yaml is missing.</summary>
    public const string ConfigMissing = "ConfigMissing";
    /// <summary>config.yaml (or the given config) is invalid.</summary>
    public const string ConfigInvalid = "ConfigInvalid";
    /// <summary>Artifacts a resume needs are missing or corrupt.</summary>
    public const string ArtifactsMissing = "ArtifactsMissing";
    /// <summary>The phase given is not 0–10 or a phase name.</summary>
    public const string InvalidPhase = "InvalidPhase";
    /// <summary>Another process holds the run's lock.</summary>
    public const string RunBusy = "RunBusy";
    /// <summary>The run completed and nothing changed.</summary>
    public const string AlreadyCompleted = "AlreadyCompleted";
    /// <summary>A phase failed runtime_limits.max_phase_failures times: it is not retried automatically.</summary>
    public const string RetryLimit = "RetryLimit";
    /// <summary>The frames need more working memory than runtime_limits.max_memory allows.</summary>
    public const string MemoryLimit = "MemoryLimit";
    /// <summary>Input frames changed since the run started.</summary>
    public const string InputChanged = "InputChanged";
    /// <summary>The input folder does not exist or holds no frames.</summary>
    public const string InputNotFound = "InputNotFound";
    /// <summary>A run with the requested id exists already.</summary>
    public const string RunExists = "RunExists";
    /// <summary>A phase failed.</summary>
    public const string PhaseFailed = "PhaseFailed";
    /// <summary>A stop was asked of a run that is not running.</summary>
    public const string RunNotRunning = "RunNotRunning";
}

/// <summary>A run-level error with a stable id; nothing on disk was changed by the failed call unless a phase failed.</summary>
public sealed class TileRunException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TileRunException(string errorId, string message, Exception? inner = null) : base(message, inner) => ErrorId = errorId;

    /// <summary>One of <see cref="RunErrorIds"/>.</summary>
    public string ErrorId { get; }
}
