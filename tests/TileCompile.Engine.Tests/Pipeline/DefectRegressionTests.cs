using System.Text.Json;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

/// <summary>Whole runs over data that broke or marked earlier versions: nebulosity over the field, hot pixels, holes.</summary>
public class DefectRegressionTests
{
    private static RunOutcome Run(TempDirectory dir, string input, string yaml = "")
    {
        var config = Path.Combine(dir.Path, "config.yaml");
        File.WriteAllText(config, "assumptions:\n  frames_min: 10\n  frames_reduced_threshold: 100\n" + yaml);
        return StandardPhases.Runner().Start(new StartRequest { InputDir = input, ConfigPath = config, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "r" });
    }

    [Fact]
    public void A_colour_session_with_nebulosity_filling_the_field_completes_with_a_finite_image()
    {
        using var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "in");
        SampleSkyGenerator.Generate(new SampleSkyOptions
        {
            Width = 400, Height = 300, Frames = 16, Sensor = SampleSensor.Rggb, Seed = 61, Nebulosity = 3000, FieldRotationDegrees = 10,
        }, input);
        var outcome = Run(dir, input);
        Assert.True(outcome.Status == "ok", outcome.Error);
        using var image = FitsImage.Open(outcome.Output!);
        for (var p = 0; p < 3; p++) Assert.All(image.ReadPlane(p), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Hot_pixels_fixed_on_the_sensor_leave_no_track_above_8_sigma()
    {
        using var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "in");
        var truth = SampleSkyGenerator.Generate(new SampleSkyOptions
        {
            Width = 400, Height = 300, Frames = 16, Seed = 62, HotPixels = 300, FieldRotationDegrees = 10, SatelliteTrail = false, BadFrame = false,
        }, input);
        var outcome = Run(dir, input);
        Assert.True(outcome.Status == "ok", outcome.Error);
        var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(outcome.RunDir, "state", "phase-01.json"))).RootElement;
        var found = int.Parse(report.GetProperty("facts").GetProperty("sensor_defects").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(found >= 0.8 * truth.HotPixels.Length, $"found {found} of {truth.HotPixels.Length} hot pixels");
        var validation = JsonDocument.Parse(File.ReadAllText(Path.Combine(outcome.RunDir, "artifacts", "validation.json"))).RootElement;
        Assert.True(validation.GetProperty("hot_residue").GetInt32() <= 2, $"hot residue {validation.GetProperty("hot_residue")}");
    }

    [Fact]
    public void Scattered_NaN_pixels_in_float_frames_never_become_bright_points()
    {
        using var dir = new TempDirectory();
        var generated = Path.Combine(dir.Path, "gen");
        SampleSkyGenerator.Generate(new SampleSkyOptions { Width = 320, Height = 240, Frames = 12, Seed = 63, HotPixels = 0, CosmicRaysPerFrame = 0, SatelliteTrail = false, BadFrame = false }, generated);
        // The same frames as float32 with 200 scattered NaN pixels each.
        var input = Path.Combine(dir.Path, "in");
        Directory.CreateDirectory(input);
        var random = new Random(5);
        foreach (var file in Directory.EnumerateFiles(generated, "*.fit"))
        {
            using var fits = FitsImage.Open(file);
            var data = fits.ReadPlane();
            for (var k = 0; k < 200; k++) data[random.Next(data.Length)] = float.NaN;
            using var stream = File.Create(Path.Combine(input, Path.GetFileName(file)));
            FitsWriter.WriteFloat32(stream, data, fits.Width, fits.Height, header: fits.Header.Clone());
        }
        var outcome = Run(dir, input);
        Assert.True(outcome.Status == "ok", outcome.Error);
        // The same frames without holes are the measure: the holes must not add a single point above 8σ.
        using var clean = new TempDirectory();
        var reference = Run(clean, generated);
        Assert.True(reference.Status == "ok", reference.Error);
        int Residue(RunOutcome o) =>
            JsonDocument.Parse(File.ReadAllText(Path.Combine(o.RunDir, "artifacts", "validation.json"))).RootElement.GetProperty("hot_residue").GetInt32();
        Assert.True(Residue(outcome) <= Residue(reference), $"hot residue {Residue(outcome)} with NaN holes, {Residue(reference)} without");
        using var image = FitsImage.Open(outcome.Output!);
        Assert.All(image.ReadPlane(), v => Assert.True(float.IsFinite(v)));
    }

    [Theory]
    [InlineData(SampleSensor.Mono)]
    [InlineData(SampleSensor.Rggb)]
    public void Frames_streaked_by_a_tracking_error_weigh_next_to_nothing_and_each_is_named(SampleSensor sensor)
    {
        using var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "in");
        var truth = SampleSkyGenerator.Generate(new SampleSkyOptions
        {
            Width = 400, Height = 300, Frames = 20, Sensor = sensor, Seed = 64, StreakedFrames = 3, StreakPixels = 8, SatelliteTrail = false, BadFrame = false,
        }, input);
        var streaked = truth.Frames.Where(f => f.Defect == "streak").Select(f => f.File).ToHashSet();
        Assert.Equal(3, streaked.Count);
        var outcome = Run(dir, input);
        Assert.True(outcome.Status == "ok", outcome.Error);

        var frames = JsonDocument.Parse(File.ReadAllText(Path.Combine(outcome.RunDir, "artifacts", "global_metrics.json"))).RootElement.GetProperty("frames")
            .EnumerateArray().ToDictionary(f => f.GetProperty("frame").GetString()!, f => f.GetProperty("weight").EnumerateArray().Average(w => w.GetDouble()));
        var median = frames.Values.OrderBy(v => v).ElementAt(frames.Count / 2);
        foreach (var name in streaked) Assert.True(frames[name] < 0.01 * median, $"{name} weighs {frames[name]:0.0000}, the median frame {median:0.0000}");
        // The sharp frames keep their weight: nothing else is taken for streaked.
        Assert.All(frames.Where(f => !streaked.Contains(f.Key)), f => Assert.True(f.Value > 0.3 * median, $"{f.Key} weighs {f.Value:0.0000}"));

        var warnings = EventLogReader.ReadAll(new RunPaths(outcome.RunDir).Events).Where(e => e.Type == "warning" && e.String("code") == "frame_downweighted").ToList();
        Assert.Equal(streaked.OrderBy(f => f), warnings.Select(w => w.String("frame_name")).OrderBy(f => f));
        Assert.All(warnings, w => Assert.Contains("stars are drawn out", w.String("message")));
    }

    // Each hot sensor pixel's place in every frame, carried onto the output grid (the reference frame less a crop).
    private static (List<IReadOnlyList<(double X, double Y)>> Tracks, List<(double X, double Y, double R)> Stars) DefectTruth(SampleTruth truth, RunOutcome outcome)
    {
        var referenceName = JsonDocument.Parse(File.ReadAllText(Path.Combine(outcome.RunDir, "artifacts", "registration.json"))).RootElement.GetProperty("reference").GetString();
        var reference = truth.Frames.Single(f => f.File == referenceName);
        using var output = FitsImage.Open(outcome.Output!);
        var (cx, cy) = (output.Header.GetDouble("TC-CROPX") ?? 0, output.Header.GetDouble("TC-CROPY") ?? 0);
        var tracks = truth.HotPixelTracks(reference.Index, cx, cy);
        var stars = truth.CensusGuards(reference.Index, cx, cy);
        return (tracks, stars);
    }

    [Theory]
    [InlineData(SampleSensor.Mono, 100)]
    [InlineData(SampleSensor.Mono, 10)]
    [InlineData(SampleSensor.Rggb, 100)]
    [InlineData(SampleSensor.Rggb, 10)]
    public void No_hot_pixel_track_keeps_a_point_above_8_sigma_in_reduced_or_full_mode(SampleSensor sensor, int reducedThreshold)
    {
        using var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "in");
        var truth = SampleSkyGenerator.Generate(new SampleSkyOptions
        {
            Width = 400, Height = 300, Frames = 20, Sensor = sensor, Seed = 65, HotPixels = 300, FieldRotationDegrees = 10, SatelliteTrail = false, BadFrame = false,
        }, input);
        var config = Path.Combine(dir.Path, "config.yaml");
        File.WriteAllText(config, $"assumptions:\n  frames_min: 10\n  frames_reduced_threshold: {reducedThreshold}\n");
        var outcome = StandardPhases.Runner().Start(new StartRequest { InputDir = input, ConfigPath = config, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "r" });
        Assert.True(outcome.Status == "ok", outcome.Error);
        var mode = JsonDocument.Parse(File.ReadAllText(Path.Combine(outcome.RunDir, "artifacts", "validation.json"))).RootElement.GetProperty("mode").GetString();
        Assert.Equal(reducedThreshold > 20 ? "reduced" : "full", mode);

        var (tracks, stars) = DefectTruth(truth, outcome);
        using var image = FitsImage.Open(outcome.Output!);
        var planes = Enumerable.Range(0, image.Planes).Select(p => image.ReadPlane(p)).ToList();
        var census = TileCompile.Engine.Metrics.DefectTracks.Census(planes, image.Width, image.Height, tracks, stars);
        Assert.True(census.Tracks > 200, $"only {census.Tracks} of 300 tracks could be measured");
        Assert.True(census.Above8Sigma == 0, $"{census.Above8Sigma} of {census.Tracks} hot-pixel tracks have a point above 8σ (highest {census.MaxSigma:0.0}σ at {census.Highest.X:0.0}, {census.Highest.Y:0.0} in {outcome.Output})");
        Assert.True(census.Above3SigmaMean == 0, $"{census.Above3SigmaMean} tracks average above 3σ");
    }
}
