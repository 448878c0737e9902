using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Metrics;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

/// <summary>
/// The pipeline on real Seestar S50 frames (`../shared/data/real/seestar-s50-m94/night1`, linked, never copied),
/// against a classic clipped mean of the same registered frames that the test computes itself.
/// </summary>
public class RealFramesQualityTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int FrameCount = 12;

    private static string Night1 => Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data", "real", "seestar-s50-m94", "night1"));

    // Per pixel: iterate a 3σ clip about the median (σ from the kept samples' own scatter) and average what is left.
    private static float[] ClassicClippedMean(List<float[]> frames)
    {
        var n = frames.Count;
        var result = new float[frames[0].Length];
        Parallel.For(0, result.Length / 4096 + 1, block =>
        {
            var values = new double[n];
            for (var i = block * 4096; i < Math.Min(result.Length, (block + 1) * 4096); i++)
            {
                var count = 0;
                foreach (var f in frames) if (float.IsFinite(f[i])) values[count++] = f[i];
                if (count == 0) { result[i] = float.NaN; continue; }
                Array.Sort(values, 0, count);
                int first = 0, end = count;
                double mean = 0;
                for (var iteration = 0; iteration < 5; iteration++)
                {
                    double sum = 0;
                    for (var k = first; k < end; k++) sum += values[k];
                    mean = sum / (end - first);
                    double squares = 0;
                    for (var k = first; k < end; k++) squares += (values[k] - mean) * (values[k] - mean);
                    var sigma = Math.Sqrt(squares / Math.Max(1, end - first - 1));
                    var centre = values[(first + end) / 2];
                    int f0 = first, e0 = end;
                    while (first < end && values[first] < centre - 3 * sigma) first++;
                    while (end > first && values[end - 1] > centre + 3 * sigma) end--;
                    if (end == first) { (first, end) = (f0, e0); break; }
                    if ((first, end) == (f0, e0)) break;
                }
                result[i] = (float)mean;
            }
        });
        return result;
    }

    [Fact]
    public void On_a_dozen_real_frames_the_result_keeps_the_aperture_SNR_of_a_classic_clipped_mean()
    {
        Assert.True(Directory.Exists(Night1), $"the real frames are missing: {Night1}");
        using var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "night1");
        Directory.CreateDirectory(input);
        foreach (var file in Directory.GetFiles(Night1, "*.fit").OrderBy(f => f, StringComparer.Ordinal).Take(FrameCount))
            File.CreateSymbolicLink(Path.Combine(input, Path.GetFileName(file)), file);
        var config = Path.Combine(dir.Path, "config.yaml");
        File.WriteAllText(config, "assumptions:\n  frames_min: 10\n");
        var outcome = StandardPhases.Runner().Start(new StartRequest { InputDir = input, ConfigPath = config, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "r" });
        Assert.True(outcome.Status == "ok", outcome.Error);

        // The registered frames (reference grid, R, G and B), combined the classic way plane by plane, and both
        // stacks measured on their luminance (the mean of the planes), as the benchmark measures them.
        var registered = Directory.GetFiles(Path.Combine(outcome.RunDir, "outputs", "registered"), "*.fit");
        Assert.Equal(FrameCount, registered.Length);
        int width = 0, height = 0;
        var frames = registered.Select(path =>
        {
            using var fits = FitsImage.Open(path);
            (width, height) = (fits.Width, fits.Height);
            return Enumerable.Range(0, 3).Select(fits.ReadPlane).ToArray();
        }).ToList();

        using var stacked = FitsImage.Open(outcome.Output!);
        var (cropX, cropY) = ((int)(stacked.Header.GetDouble("TC-CROPX") ?? 0), (int)(stacked.Header.GetDouble("TC-CROPY") ?? 0));
        var classicPlanes = new List<float[]>();
        var ourPlanes = new List<float[]>();
        for (var plane = 0; plane < 3; plane++)
        {
            var classic = ClassicClippedMean(frames.Select(f => f[plane]).ToList());
            var cropped = new float[stacked.Width * stacked.Height];
            for (var y = 0; y < stacked.Height; y++) Array.Copy(classic, (y + cropY) * width + cropX, cropped, y * stacked.Width, stacked.Width);
            classicPlanes.Add(cropped);
            ourPlanes.Add(stacked.ReadPlane(plane));
        }

        var theirs = StackQuality.Analyse(classicPlanes, stacked.Width, stacked.Height);
        var mine = StackQuality.Analyse(ourPlanes, stacked.Width, stacked.Height);
        var stars = StackQuality.PhotometryStars(theirs);
        Assert.True(stars.Count >= 30, $"only {stars.Count} photometry stars");
        var c = StackQuality.Measure(theirs, stars);
        var q = StackQuality.Measure(mine, stars);
        output.WriteLine($"ours: aperture SNR {q.ApertureSnr:0.00}, FWHM {q.FwhmPx:0.00}; classic clipped mean: {c.ApertureSnr:0.00}, {c.FwhmPx:0.00}");
        // The aperture SNR of a dozen frames is uncertain by about 1 % (a median over some 170 stars, mostly faint),
        // and on these frames ours measures 0.98× the classic mean's (docs/quality.md): the test holds the result to
        // within 3 % of it, so a loss beyond the measurement's own uncertainty fails it.
        Assert.True(q.ApertureSnr >= 0.97 * c.ApertureSnr,
            $"aperture SNR {q.ApertureSnr:0.00} against the classic clipped mean's {c.ApertureSnr:0.00} (FWHM {q.FwhmPx:0.00} against {c.FwhmPx:0.00} px)");
        Assert.True(q.FwhmPx <= c.FwhmPx * 1.02, $"FWHM {q.FwhmPx:0.00} px against the classic clipped mean's {c.FwhmPx:0.00} px");
    }
}
