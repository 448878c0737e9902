using System.Management.Automation;

namespace TileCompile.PowerShell.Internal;

/// <summary>An engine error translated for PowerShell: a stable id and the matching error category.</summary>
internal sealed class TileOperationException : Exception
{
    public TileOperationException(string errorId, ErrorCategory category, string message, Exception? inner = null) : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
    }

    public string ErrorId { get; }
    public ErrorCategory Category { get; }

    public ErrorRecord ToErrorRecord(object? target) => new(this, ErrorId, Category, target);
}
