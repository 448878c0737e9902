using System.Security.Cryptography;
using System.Text;
using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.Runs;

/// <summary>
/// Small deterministic phases for lifecycle tests: each writes an artifact whose content depends on
/// its upstream artifacts and its declared config values, so wrong skips or re-runs show in the bytes.
/// </summary>
public sealed class FakePhase : IPipelinePhase
{
    private readonly Func<PhaseContext, string>? _extra;

    public FakePhase(PhaseId id, ConfigKey[] keys, PhaseId[] reads, bool readsInputs = false, Func<PhaseContext, string>? extra = null)
    {
        Id = id;
        ConfigKeys = keys;
        Reads = reads;
        ReadsInputFrames = readsInputs;
        _extra = extra;
    }

    public PhaseId Id { get; }
    public int AlgoVersion { get; set; } = 1;
    public IReadOnlyList<ConfigKey> ConfigKeys { get; }
    public IReadOnlyList<PhaseId> Reads { get; }
    public bool ReadsInputFrames { get; }
    public Action<PhaseContext>? Before { get; set; }
    public int Runs { get; private set; }
    public bool PerFrame { get; set; }
    public List<int> FramesDone { get; } = new();
    public int? FailAfterFrames { get; set; }
    public bool OutputIgnoresConfig { get; set; }

    public void Run(PhaseContext context)
    {
        Runs++;
        Before?.Invoke(context);
        var sb = new StringBuilder();
        sb.Append("phase ").Append((int)Id).Append('\n');
        if (!OutputIgnoresConfig)
            foreach (var key in ConfigKeys) sb.Append(key.Path).Append('=').Append(key.Format(context.Config.Get(key))).Append('\n');
        foreach (var up in Reads)
            foreach (var a in context.Upstream(up).Artifacts.Where(a => a.Consumed))
                sb.Append(a.Path).Append(':').Append(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(context.Paths.Resolve(a.Path))))).Append('\n');
        if (ReadsInputFrames)
            foreach (var f in context.Run.Frames) sb.Append(Path.GetFileName(f.Path)).Append('\n');
        if (_extra is not null) sb.Append(_extra(context));

        if (PerFrame)
        {
            for (var i = 0; i < context.Run.Frames.Count; i++)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                if (context.Frames.Completed(i) is { } kept)
                {
                    foreach (var a in kept.Artifacts) context.AddExisting(a);
                    continue;
                }
                if (FailAfterFrames is { } n && FramesDone.Count >= n) throw new InvalidOperationException("simulated crash during frames");
                var content = sb + $"frame {i}\n";
                var rec = context.WriteArtifact($"work/p{(int)Id}/frame_{i:D3}.txt", s => s.Write(Encoding.UTF8.GetBytes(content)));
                context.Frames.Record(i, new[] { rec });
                FramesDone.Add(i);
                context.FrameProcessed(i, context.Run.Frames.Count, Path.GetFileName(context.Run.Frames[i].Path));
            }
        }

        var text = sb.ToString();
        if (Id == PhaseId.Stacking)
        {
            var pixels = Encoding.UTF8.GetBytes(text).Select(b => (float)b).ToArray();
            context.WriteArtifact("outputs/stacked.fit", s => FitsWriter.WriteFloat32(s, pixels, pixels.Length, 1));
        }
        else
        {
            context.WriteArtifact($"work/phase{(int)Id:D2}.txt", s => s.Write(Encoding.UTF8.GetBytes(text)));
        }
        context.WriteArtifact($"artifacts/report{(int)Id:D2}.json", s => s.Write(Encoding.UTF8.GetBytes($"{{\"when\":\"{DateTime.UtcNow:O}\"}}")), consumed: false);
        if (Id == PhaseId.ScanInput) context.SetFact(RunModes.UsableFramesFact, context.Run.Frames.Count);
    }
}

public static class FakePipeline
{
    public static FakePhase[] Create() => new[]
    {
        new FakePhase(PhaseId.ScanInput, new ConfigKey[] { ConfigKeys.Assumptions.ExposureTolerancePercent }, Array.Empty<PhaseId>(), readsInputs: true),
        new FakePhase(PhaseId.Registration, new ConfigKey[] { ConfigKeys.Registration.StarTopK }, new[] { PhaseId.ScanInput }, readsInputs: true) { PerFrame = true },
        new FakePhase(PhaseId.ChannelSplit, Array.Empty<ConfigKey>(), new[] { PhaseId.Registration }),
        new FakePhase(PhaseId.Normalization, Array.Empty<ConfigKey>(), new[] { PhaseId.ChannelSplit }),
        new FakePhase(PhaseId.GlobalMetrics, new ConfigKey[] { ConfigKeys.GlobalMetrics.AdaptiveWeights, ConfigKeys.GlobalMetrics.WeightExponentScale }, new[] { PhaseId.Normalization }),
        new FakePhase(PhaseId.TileGrid, new ConfigKey[] { ConfigKeys.Tile.MinSize }, new[] { PhaseId.Registration }),
        new FakePhase(PhaseId.LocalMetrics, Array.Empty<ConfigKey>(), new[] { PhaseId.GlobalMetrics, PhaseId.TileGrid }),
        new FakePhase(PhaseId.TileReconstruction, Array.Empty<ConfigKey>(), new[] { PhaseId.LocalMetrics }),
        new FakePhase(PhaseId.StateClustering, Array.Empty<ConfigKey>(), new[] { PhaseId.LocalMetrics }),
        new FakePhase(PhaseId.SyntheticFrames, Array.Empty<ConfigKey>(), new[] { PhaseId.StateClustering }),
        new FakePhase(PhaseId.Stacking, new ConfigKey[] { ConfigKeys.Stacking.SigmaLow }, new[] { PhaseId.TileReconstruction, PhaseId.SyntheticFrames }),
    };
}
