using System.Text.Json;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Pipeline.Phases;
using TileCompile.Engine.Registration;
using Keys = TileCompile.Engine.Config.ConfigKeys.Registration;

namespace TileCompile.Engine.Pipeline;

/// <summary>
/// Registration's second step: the reference frame (named, or the best quick score among the middle half in time),
/// its stars, and the sensor's hot and cold pixels found from a sample of the frames and the master dark.
/// </summary>
internal static class ReferenceStep
{
    private const string ReferenceJson = "artifacts/registration_reference.json";
    private const int PrologueRecord = -1;
    /// <summary>The reference as chosen: its index and file, its stars (proxy and full resolution), seeing, sky and the sensor defects.</summary>
    public sealed record ReferenceChoice(int Index, string Frame, List<double[]> Stars, List<double[]> FullResolution, double MedianFwhm, double Background, double Noise,
        int[]? Defects = null);

    /// <summary>Most frames sampled (evenly over the session) to find the sensor's hot and cold pixels.</summary>
    private const int DefectSampleFrames = 16;

    // Each frame's own sample depth: one 8-bit frame among 16-bit ones must not make every star look saturated.
    /// <summary>The level at which a frame's pixels count as saturated, from its own sample depth.</summary>
    public static double Saturation(ScanReport.Frame frame) =>
        frame.Bitpix is 8 ? 250.0 : frame.Bitpix is 16 ? 65000.0 : double.PositiveInfinity;

    /// <summary>The reference frame, its stars and the sensor defects, chosen once per run (kept as an artifact and read back on a resume).</summary>
    public static ReferenceChoice Choose(PhaseContext context, CalibrationStep.LightReader reader, List<ScanReport.Frame> frames, BayerPattern? pattern, double sigma)
    {
        if (context.Frames.Completed(PrologueRecord) is { Result: { } saved } record)
        {
            foreach (var a in record.Artifacts) context.AddExisting(a);
            return JsonSerializer.Deserialize<ReferenceChoice>(saved, PhaseContext.JsonFormat)!;
        }

        var named = context.Config.Get(Keys.ReferenceFrame);
        int index;
        FrameStars? stars = null;
        if (named.Length > 0)
        {
            index = frames.FindIndex(f => string.Equals(f.File, named, StringComparison.OrdinalIgnoreCase));
            if (index < 0) throw new InvalidDataException($"registration.reference_frame '{named}' is not one of the usable input frames");
        }
        else
        {
            // The best quick score among the middle half in time: least field rotation to the others.
            var lo = frames.Count / 4;
            var hi = Math.Max(lo + 1, frames.Count - frames.Count / 4);
            var candidates = Enumerable.Range(lo, hi - lo).ToArray();
            // Only the scores are kept: holding every candidate's stars would grow with the session.
            var scores = new double[candidates.Length];
            Parallel.For(0, candidates.Length, context.ParallelOptions, k => scores[k] = Measure(reader, frames[candidates[k]].Path, pattern, sigma, Saturation(frames[candidates[k]])).QuickScore);
            var best = 0;
            for (var k = 1; k < candidates.Length; k++) if (scores[k] > scores[best]) best = k;
            index = candidates[best];
        }
        stars ??= Measure(reader, frames[index].Path, pattern, sigma, Saturation(frames[index]));
        if (stars.Stars.Count < 3)
            throw new InvalidDataException($"the reference frame {frames[index].File} has only {stars.Stars.Count} detectable stars");
        var choice = new ReferenceChoice(index, frames[index].File,
            stars.Stars.Select(s => new[] { s.X, s.Y, s.Flux, s.Peak, s.Fwhm }).ToList(),
            stars.FullResolution.Select(s => new[] { s.X, s.Y }).ToList(),
            stars.MedianFwhm, stars.Background, stars.Noise,
            // Hot pixels of the master dark join those the lights themselves show.
            FindDefects(context, reader, frames, pattern is not null, stars.FullResolution).Union(reader.Masters.HotPixels()).Order().ToArray());
        var artifact = context.WriteJson(ReferenceJson, choice);
        context.Frames.Record(PrologueRecord, new[] { artifact }, JsonSerializer.Serialize(choice, PhaseContext.JsonFormat));
        return choice;
    }

    // Sensor pixels that deviate in most of the sampled frames, away from the reference's stars.
    private static int[] FindDefects(PhaseContext context, CalibrationStep.LightReader reader, List<ScanReport.Frame> frames, bool mosaic, IReadOnlyList<(double X, double Y)> stars)
    {
        var count = Math.Min(frames.Count, DefectSampleFrames);
        var sampled = new ImagePlane[count];
        Parallel.For(0, count, context.ParallelOptions, k =>
        {
            sampled[k] = reader.Read(frames[(int)((long)k * frames.Count / count)].Path, out _);
        });
        return SensorDefects.Find(sampled, mosaic, stars);
    }

    // The reference's correlation image is rebuilt from its file (cheap, deterministic) rather than stored.
    /// <summary>The reference's correlation and alignment images.</summary>
    public static (PhaseCorrelation.Prepared?, ImageAlignment.Prepared, int Width, int Height) Images(CalibrationStep.LightReader reader, string path, BayerPattern? pattern,
        double saturation, IReadOnlyList<int> defects)
    {
        var raw = reader.Read(path, out _);
        SensorDefects.Repair(raw, defects, pattern is not null);
        var (correlation, alignment) = FrameRegistrar.MatchingImages(raw, pattern, saturation);
        return (correlation, alignment, raw.Width, raw.Height);
    }

    // Reference candidates keep many stars: matching uses the brightest, local metrics use them all.
    private static FrameStars Measure(CalibrationStep.LightReader reader, string path, BayerPattern? pattern, double sigma, double saturation)
    {
        var raw = reader.Read(path, out _);
        return FrameRegistrar.Stars(raw, pattern, sigma, saturation, maxStars: 2000);
    }
}
