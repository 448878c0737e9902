using System.Text.Json;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Pipeline;
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
}
