namespace TileCompile.PowerShell;

/// <summary>One phase of a verified run (Test-TileRun).</summary>
public sealed class TilePhaseVerification
{
    /// <summary>The phase.</summary>
    public TilePhase Phase { get; init; }
    /// <summary>ok, corrupt, incomplete (no manifest yet), manifest_corrupt, pruned or skipped (by the run's mode).</summary>
    public string Status { get; init; } = "";
    /// <summary>How many artifacts the phase's manifest lists.</summary>
    public int Artifacts { get; init; }
    /// <summary>The damaged artifacts as "path: what differs".</summary>
    public string[] Problems { get; init; } = Array.Empty<string>();
}

/// <summary>A run's artifacts and outputs re-hashed against its manifests (Test-TileRun).</summary>
public sealed class TileRunVerification
{
    /// <summary>Run id.</summary>
    public string RunId { get; init; } = "";
    /// <summary>Run directory.</summary>
    public string Path { get; init; } = "";
    /// <summary>True when every artifact matches its manifest.</summary>
    public bool IsIntact { get; init; }
    /// <summary>The first phase with damaged artifacts: the one Resume-TileRun runs again.</summary>
    public TilePhase? FirstDamagedPhase { get; init; }
    /// <summary>Every damaged artifact as "path: what differs".</summary>
    public string[] Problems { get; init; } = Array.Empty<string>();
    /// <summary>Per-phase results.</summary>
    public TilePhaseVerification[] Phases { get; init; } = Array.Empty<TilePhaseVerification>();
}
