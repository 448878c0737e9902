namespace TileCompile.Engine.Config;

/// <summary>How serious a configuration issue is.</summary>
public enum ConfigIssueSeverity
{
    /// <summary>Reported, but the configuration is usable (e.g. an unknown key).</summary>
    Warning,
    /// <summary>The configuration cannot be used.</summary>
    Error,
}

/// <summary>One finding about a configuration file: where it is, which key, what is wrong.</summary>
public sealed record ConfigIssue(ConfigIssueSeverity Severity, string Source, int Line, int Column, string Key, string Message)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var where = Line > 0 ? $"{Source}:{Line}:{Column}" : Source;
        var key = string.IsNullOrEmpty(Key) ? "" : $"{Key}: ";
        return $"{where}: {(Severity == ConfigIssueSeverity.Error ? "error" : "warning")}: {key}{Message}";
    }
}

/// <summary>A configuration file has errors; <see cref="Issues"/> lists every one of them.</summary>
public sealed class ConfigValidationException : Exception
{
    /// <summary>Creates the exception from the issues found.</summary>
    public ConfigValidationException(IReadOnlyList<ConfigIssue> issues)
        : base(Describe(issues))
    {
        Issues = issues;
    }

    /// <summary>All issues found (errors and warnings).</summary>
    public IReadOnlyList<ConfigIssue> Issues { get; }

    private static string Describe(IReadOnlyList<ConfigIssue> issues)
    {
        var errors = issues.Where(i => i.Severity == ConfigIssueSeverity.Error).ToList();
        return errors.Count == 1
            ? "invalid configuration: " + errors[0]
            : $"invalid configuration ({errors.Count} errors):\n  " + string.Join("\n  ", errors);
    }
}
