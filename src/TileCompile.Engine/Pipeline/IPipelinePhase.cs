using TileCompile.Engine.Config;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Pipeline;

/// <summary>
/// One phase of the pipeline. A phase declares what its results depend on — configuration keys,
/// upstream phases, the input frames, its own algorithm version — and writes its artifacts
/// through the <see cref="PhaseContext"/>, which records them for the manifest.
/// </summary>
public interface IPipelinePhase
{
    /// <summary>Which phase this is.</summary>
    PhaseId Id { get; }

    /// <summary>Bumped whenever the phase's numbers can change for the same inputs.</summary>
    int AlgoVersion { get; }

    /// <summary>Configuration keys the phase reads; reading any other key fails.</summary>
    IReadOnlyList<ConfigKey> ConfigKeys { get; }

    /// <summary>Upstream phases whose consumed artifacts this phase reads.</summary>
    IReadOnlyList<PhaseId> Reads { get; }

    /// <summary>True when the phase reads the raw input frames (their list is then part of its fingerprint).</summary>
    bool ReadsInputFrames { get; }

    /// <summary>
    /// True for the phase that reads the calibration frames (bias, darks, flats): a change to those files makes it
    /// out of date, as a change to the light frames does.
    /// </summary>
    bool ReadsCalibrationFrames => false;

    /// <summary>Does the work; throws on failure, honours the context's cancellation token.</summary>
    void Run(PhaseContext context);

    /// <summary>
    /// Whether this phase reads <paramref name="path"/>, a consumed artifact of <paramref name="upstream"/>.
    /// Only artifacts it reads are hash-verified before it runs, so a phase that needs an upstream
    /// report but not its frames does not pay for hashing gigabytes.
    /// </summary>
    bool ReadsArtifact(PhaseId upstream, string path) => true;
}
