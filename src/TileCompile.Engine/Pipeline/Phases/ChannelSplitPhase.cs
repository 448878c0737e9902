using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Contracts;

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
    public int AlgoVersion => 2;
    /// <inheritdoc />
    public IReadOnlyList<ConfigKey> ConfigKeys => Array.Empty<ConfigKey>();
    /// <inheritdoc />
    public IReadOnlyList<PhaseId> Reads { get; } = new[] { PhaseId.Registration };
    /// <inheritdoc />
    public bool ReadsInputFrames => false;

    /// <inheritdoc />
    public void Run(PhaseContext context)
    {
        var registration = context.Read(ArtifactCatalog.Registration);
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
        // Debayered frames are already channel cubes: the registered frames serve as they are.
        var outputs = registration.Debayered ? frames.Select(f => f.Output!).ToArray() : PerFrameDriver.RunWithArtifacts(context, frames.Select(f => f.Frame).ToList(), i =>
        {
            var relative = "work/channels/" + Path.GetFileNameWithoutExtension(frames[i].Frame) + ".fit";
            using var image = FitsImage.Open(context.Paths.Resolve(frames[i].Output!));
            var plane = new ImagePlane(image.Width, image.Height, image.ReadPlane());
            var header = image.Header.Clone();
            header.Remove("BAYERPAT");
            header.Set("TC-CHAN", string.Join(",", channels), "planes of this cube");
            var cube = pattern is { } cfa ? BayerCells.SplitPlanes(plane, cfa) : plane.Data;
            var record = context.WriteArtifact(relative, s => FitsWriter.WriteFloat32(s, cube, width, height, channels.Count, header));
            return (relative, (IReadOnlyList<Runs.ArtifactRecord>)new[] { record });
        });

        var drizzle = registration.Drizzle is { } grid ? DitherCheck(context, registration, grid, pattern is not null, fullWidth, fullHeight) : null;
        var stackPath = drizzle is not null ? "drizzle: " + drizzle.Reason
            : registration.Drizzle is not null ? "channel cubes: the dither is too poor to drizzle"
            : "channel cubes" + (registration.Cfa && registration.Debayered ? " (debayered at full resolution)" : "");
        context.SetFact("stack_path", stackPath);
        // The event log's record of the choice (and its reason): the phase's last progress event names it as the step.
        context.Progress(frames.Count, frames.Count, "stacking " + stackPath);
        context.Write(ArtifactCatalog.Channels, new ChannelReport
        {
            Channels = channels,
            Width = width,
            Height = height,
            FullWidth = fullWidth,
            FullHeight = fullHeight,
            BayerPattern = pattern?.ToString(),
            Debayered = registration.Debayered,
            Drizzle = drizzle,
            StackPath = stackPath,
            Frames = frames.Select((f, i) => new ChannelFrame { Frame = f.Frame, Path = outputs[i], Drizzled = drizzle is null ? null : f.Drizzled }).ToList(),
        });
    }

    /// <summary>Least fraction of the dither cell the frames' sub-pixel positions must reach for their drizzle to be stacked.</summary>
    public const double MinDitherCoverage = 0.5;

    // Drizzle fills each colour's gaps only when the frames sit at many different sub-pixel positions of the Bayer
    // cell (2×2 pixels; 1×1 for mono). Where they all sit alike, the debayered cubes are stacked instead, with a warning.
    private static DrizzleGrid? DitherCheck(PhaseContext context, RegistrationReport registration, DrizzleGrid grid, bool cfa, int width, int height)
    {
        var period = cfa ? 2.0 : 1.0;
        const int cells = 4;
        var matrices = registration.Frames.Where(f => f.Status == "ok" && f.Matrix is not null).Select(f => Registration.AffineTransform.FromArray(f.Matrix!)).ToList();
        var coverage = new List<double>();
        // The phase differs across the field when it rotates: look at nine places and take the median.
        foreach (var fy in new[] { 0.2, 0.5, 0.8 })
        foreach (var fx in new[] { 0.2, 0.5, 0.8 })
        {
            var hit = new bool[cells * cells];
            foreach (var m in matrices)
            {
                var (u, v) = m.Apply(fx * (width - 1), fy * (height - 1));
                var cu = (int)(((u % period) + period) % period / period * cells) % cells;
                var cv = (int)(((v % period) + period) % period / period * cells) % cells;
                hit[cv * cells + cu] = true;
            }
            coverage.Add(hit.Count(h => h) / (double)(cells * cells));
        }
        var reached = Imaging.RobustStats.Median(coverage);
        context.SetFact("dither_coverage", Math.Round(reached, 3));
        if (reached >= MinDitherCoverage) return grid with { Reason = $"{grid.Reason}; the frames reach {reached:P0} of the dither cell" };
        context.Warn("drizzle_not_used",
            $"the frames were drizzled, but their sub-pixel positions reach only {reached:P0} of the {(cfa ? "2x2 Bayer" : "pixel")} cell (at least {MinDitherCoverage:P0} is needed " +
            "to fill the gaps between photosites): the full-resolution frames are stacked instead. Dither between exposures to drizzle.");
        return null;
    }
}
