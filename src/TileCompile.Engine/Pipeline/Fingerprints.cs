using System.Security.Cryptography;
using System.Text;
using TileCompile.Engine.Config;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Pipeline;

/// <summary>
/// A phase's fingerprint: its algorithm version, the values of its declared configuration keys,
/// the output digests of the phases it reads and (for phases that read raw frames) the input list.
/// Engine builds and performance keys are deliberately not part of it.
/// </summary>
internal static class Fingerprints
{
    public const string SkippedByMode = "skipped:reduced_mode";

    public static string Compute(IPipelinePhase phase, TileConfig config, RunInfo run, Func<PhaseId, string?> upstreamDigest,
        string? calibrationDigest = null)
    {
        var sb = new StringBuilder();
        sb.Append("fp1\nphase=").Append((int)phase.Id).Append("\nalgo=").Append(phase.AlgoVersion).Append('\n');
        sb.Append("config=").Append(config.HashOf(phase.ConfigKeys)).Append('\n');
        foreach (var up in phase.Reads.OrderBy(p => p))
            sb.Append("up").Append((int)up).Append('=').Append(upstreamDigest(up) ?? "missing").Append('\n');
        if (phase.ReadsInputFrames)
        {
            foreach (var f in run.Frames)
                sb.Append("in=").Append(f.Path).Append('|').Append(f.Size).Append('|').Append(f.LastWriteUtc.Ticks).Append('\n');
        }
        if (phase.ReadsCalibrationFrames)
            sb.Append("calibration=").Append(calibrationDigest ?? CalibrationDigest(phase, config, run)).Append('\n');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()))).ToLowerInvariant();
    }

    /// <summary>The fact under which a phase's manifest records <see cref="CalibrationDigest"/>.</summary>
    public const string CalibrationFact = "calibration_frames";

    /// <summary>
    /// The calibration frames the run would use now — found by the same rules as the phase that reads them — as
    /// names, sizes and times: a dark added, replaced or edited changes it. Unusable settings give a digest of the
    /// problem, so the phase runs again and reports it.
    /// </summary>
    public static string CalibrationDigest(IPipelinePhase phase, TileConfig config, RunInfo run)
    {
        var sb = new StringBuilder();
        try
        {
            var view = new ConfigView(config, phase.Id, phase.ConfigKeys);
            foreach (var (kind, set) in CalibrationInputs.Locate(run.InputDir, view).OrderBy(k => k.Key, StringComparer.Ordinal))
            {
                foreach (var f in set.Files)
                {
                    var info = new FileInfo(f);
                    sb.Append(kind).Append('=').Append(info.FullName).Append('|').Append(info.Length).Append('|').Append(info.LastWriteTimeUtc.Ticks).Append('\n');
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            sb.Append("unusable=").Append(e.Message).Append('\n');
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()))).ToLowerInvariant()[..16];
    }

    /// <summary>The declared keys and their values as recorded in a manifest.</summary>
    public static SortedDictionary<string, string> ConfigValues(IPipelinePhase phase, TileConfig config)
    {
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var k in phase.ConfigKeys.Where(k => k.AffectsResults)) d[k.Path] = k.Format(config.Get(k));
        return d;
    }

    /// <summary>Keys whose recorded value differs from the current one, as "key old→new".</summary>
    public static List<string> ChangedKeys(IPipelinePhase phase, TileConfig config, PhaseManifest manifest)
    {
        var now = ConfigValues(phase, config);
        var changed = new List<string>();
        foreach (var (key, value) in now)
        {
            if (!manifest.Config.TryGetValue(key, out var old)) changed.Add($"{key} (new)→{value}");
            else if (old != value) changed.Add($"{key} {old}→{value}");
        }
        return changed;
    }
}
