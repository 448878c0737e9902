using System.Text.Json;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Pipeline.Phases;
using TileCompile.Engine.Registration;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;
using Xunit.Abstractions;

namespace TileCompile.Engine.Tests.Pipeline;

public class NebulousSessionTests
{
    private readonly ITestOutputHelper _out;
    public NebulousSessionTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void AColourSessionFilledWithNebulosityIsRegisteredOnTheImagesAndSaysSo()
    {
        using var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "frames");
        var truth = SampleSkyGenerator.Generate(new SampleSkyOptions
        {
            Width = 400, Height = 320, Frames = 6, Sensor = SampleSensor.Rggb, Seed = 52, StarDensity = 15, Nebulosity = 2500,
            FieldRotationDegrees = 12, DriftPixels = 30, BadFrame = false,
        }, input);
        var config = Path.Combine(dir.Path, "c.yaml");
        File.WriteAllText(config, "assumptions:\n  frames_min: 2\n  frames_reduced_threshold: 100\n");
        var result = StandardPhases.Runner().Start(new StartRequest { InputDir = input, ConfigPath = config, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "nebula" });
        Assert.True(result.Status == "ok", result.Error);

        var text = File.ReadAllText(Path.Combine(result.RunDir, RegistrationPhase.ReportJson));
        var report = JsonSerializer.Deserialize<RegistrationReport>(text, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;
        var reference = truth.Frames.Single(f => f.File == report.Reference).Index;
        var errors = new List<(RegisteredFrame Frame, double Error)>();
        foreach (var frame in report.Frames)
        {
            Assert.True(frame.Status == "ok", $"{frame.Frame}: {frame.Reason}");
            var index = truth.Frames.Single(f => f.File == frame.Frame).Index;
            var error = Registration.RegistrationAccuracyTests.TransformError(AffineTransform.FromArray(frame.Matrix!), truth.ReferenceToFrame(reference, index), 400, 320);
            _out.WriteLine($"{frame.Frame}: {frame.Method}, image aligned {frame.ImageAligned}, error {error:F4} px");
            errors.Add((frame, error));
        }
        foreach (var (frame, error) in errors)
        {
            Assert.True(error < 0.1, $"{frame.Frame}: {error:F3} px");
            Assert.Equal(frame.Frame != report.Reference, frame.ImageAligned);
        }
        Assert.Contains("\"image_aligned\": true", text);
    }
}
