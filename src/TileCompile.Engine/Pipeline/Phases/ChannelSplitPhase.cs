using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>
/// Phase 2: splits each registered frame into channels: L for mono; R, G (mean of both greens) and
/// B half-resolution planes for CFA data warped per sub-plane. Writes one cube per frame under
/// <c>work/channels/</c>. Colour frames debayered before warping are R, G, B cubes already; their
/// registered files are the channel cubes, not copied.
/// </summary>
public sealed class ChannelSplitPhase : IPipelinePhase
{
    /// <summary>Artifact path of the channel report.</summary>
    public const string ReportJson = "artifacts/channels.json";

    /// <inheritdoc />
    public PhaseId Id => PhaseId.ChannelSplit;
    /// <inheritdoc />
    public int AlgoVersion => 1;
    /// <inheritdoc />
    public IReadOnlyList<ConfigKey> ConfigKeys => Array.Empty<ConfigKey>();
    /// <inheritdoc />
    public IReadOnlyList<PhaseId> Reads { get; } = new[] { PhaseId.Registration };
    /// <inheritdoc />
    public bool ReadsInputFrames => false;

    /// <inheritdoc />
    public void Run(PhaseContext context)
    {
        var registration = context.ReadJson<RegistrationReport>(RegistrationPhase.ReportJson);
        var frames = registration.Frames.Where(f => f.Status == "ok").ToList();
        var pattern = registration.BayerPattern is { } p ? BayerPattern.Parse(p) : (BayerPattern?)null;
        var channels = pattern is null ? new List<string> { "L" } : new List<string> { "R", "G", "B" };
        int fullWidth, fullHeight;
        using (var first = FitsImage.Open(context.Paths.Resolve(frames[0].Output!)))
        {
            fullWidth = first.Width;
            fullHeight = first.Height;
        }
        var half = pattern is not null && !registration.Debayered;
        var width = half ? fullWidth / 2 : fullWidth;
        var height = half ? fullHeight / 2 : fullHeight;
        var outputs = new string[frames.Count];
        var done = 0;
        Parallel.For(0, frames.Count, context.ParallelOptions, i =>
        {
            if (registration.Debayered)
            {
                outputs[i] = frames[i].Output!;
                return;
            }
            var relative = "work/channels/" + Path.GetFileNameWithoutExtension(frames[i].Frame) + ".fit";
            outputs[i] = relative;
            if (context.Frames.Completed(i) is { } kept)
            {
                foreach (var a in kept.Artifacts) context.AddExisting(a);
                Interlocked.Increment(ref done);
                return;
            }
            using var image = FitsImage.Open(context.Paths.Resolve(frames[i].Output!));
            var plane = new ImagePlane(image.Width, image.Height, image.ReadPlane());
            var header = image.Header.Clone();
            header.Remove("BAYERPAT");
            header.Set("TC-CHAN", string.Join(",", channels), "planes of this cube");
            float[] cube;
            if (pattern is not { } cfa)
            {
                cube = plane.Data;
            }
            else
            {
                cube = new float[width * height * 3];
                var (rx, ry) = Offset(cfa, CfaColor.Red);
                var (bx, by) = Offset(cfa, CfaColor.Blue);
                var greens = GreenOffsets(cfa);
                Fill(plane, cube.AsSpan(0, width * height), width, height, rx, ry);
                Fill(plane, cube.AsSpan(2 * width * height, width * height), width, height, bx, by);
                var g = cube.AsSpan(width * height, width * height);
                for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                {
                    var a = plane[2 * x + greens[0].X, 2 * y + greens[0].Y];
                    var b = plane[2 * x + greens[1].X, 2 * y + greens[1].Y];
                    g[y * width + x] = float.IsFinite(a) && float.IsFinite(b) ? 0.5f * (a + b) : float.IsFinite(a) ? a : b;
                }
            }
            var record = context.WriteArtifact(relative, s => FitsWriter.WriteFloat32(s, cube, width, height, channels.Count, header));
            context.Frames.Record(i, new[] { record });
            context.FrameProcessed(i, frames.Count, frames[i].Frame);
            context.Progress(Interlocked.Increment(ref done), frames.Count);
        });

        context.WriteJson(ReportJson, new ChannelReport
        {
            Channels = channels,
            Width = width,
            Height = height,
            FullWidth = fullWidth,
            FullHeight = fullHeight,
            BayerPattern = pattern?.ToString(),
            Debayered = registration.Debayered,
            Frames = frames.Select((f, i) => new ChannelFrame { Frame = f.Frame, Path = outputs[i] }).ToList(),
        });
    }

    private static void Fill(ImagePlane plane, Span<float> target, int width, int height, int dx, int dy)
    {
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
            target[y * width + x] = plane[2 * x + dx, 2 * y + dy];
    }

    internal static (int X, int Y) Offset(BayerPattern p, CfaColor color)
    {
        for (var y = 0; y < 2; y++)
        for (var x = 0; x < 2; x++)
            if (p.ColorAt(x, y) == color) return (x, y);
        throw new InvalidOperationException($"pattern {p} has no {color}");
    }

    internal static (int X, int Y)[] GreenOffsets(BayerPattern p)
    {
        var list = new List<(int, int)>();
        for (var y = 0; y < 2; y++)
        for (var x = 0; x < 2; x++)
            if (p.ColorAt(x, y) == CfaColor.Green) list.Add((x, y));
        return list.ToArray();
    }
}
