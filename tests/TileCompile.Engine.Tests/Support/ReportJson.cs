using System.Text.Json;

namespace TileCompile.Engine.Tests.Support;

/// <summary>How the tests read the engine's JSON reports (snake_case, as the engine writes them), one instance for all.</summary>
public static class ReportJson
{
    /// <summary>Options for <see cref="JsonSerializer"/> reading a report.</summary>
    public static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
