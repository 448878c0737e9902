namespace TileCompile.PowerShell;

/// <summary>Severity of a configuration finding.</summary>
public enum TileConfigIssueSeverity
{
    /// <summary>Reported; the configuration still works (e.g. an unknown key).</summary>
    Warning,
    /// <summary>The configuration cannot be used.</summary>
    Error,
}

/// <summary>One finding in a configuration file.</summary>
public sealed class TileConfigIssue
{
    /// <summary>Warning or Error.</summary>
    public TileConfigIssueSeverity Severity { get; init; }
    /// <summary>The file.</summary>
    public string Path { get; init; } = "";
    /// <summary>1-based line, 0 when the finding has no position.</summary>
    public int Line { get; init; }
    /// <summary>1-based column.</summary>
    public int Column { get; init; }
    /// <summary>Dotted key, e.g. stacking.sigma_clip.sigma_low.</summary>
    public string Key { get; init; } = "";
    /// <summary>What is wrong and what is allowed.</summary>
    public string Message { get; init; } = "";

    /// <inheritdoc />
    public override string ToString() => $"{System.IO.Path.GetFileName(Path)}:{Line}:{Column}: {Severity.ToString().ToLowerInvariant()}: {Key}: {Message}";
}

/// <summary>Result of Test-TileRunConfig.</summary>
public sealed class TileConfigTestResult
{
    /// <summary>The file tested.</summary>
    public string Path { get; init; } = "";
    /// <summary>True when the file has no errors (warnings allowed).</summary>
    public bool IsValid { get; init; }
    /// <summary>SHA-256 of the canonical effective configuration, when valid.</summary>
    public string? ConfigHash { get; init; }
    /// <summary>Every warning and error, in file order.</summary>
    public TileConfigIssue[] Issues { get; init; } = Array.Empty<TileConfigIssue>();
    /// <summary>Number of errors.</summary>
    public int ErrorCount => Issues.Count(i => i.Severity == TileConfigIssueSeverity.Error);
    /// <summary>Number of warnings.</summary>
    public int WarningCount => Issues.Count(i => i.Severity == TileConfigIssueSeverity.Warning);
}
