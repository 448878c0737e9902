using System.Text.Json;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Pipeline.Phases;
using TileCompile.Engine.Registration;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

public class PhaseCorrelationEngineTests
{
    [Fact]
    public void ASessionRunsWithThePhaseCorrelationEngineAndReportsTheMethodPerFrame()
    {
        using var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "frames");
        var truth = SampleSkyGenerator.Generate(new SampleSkyOptions
        {
            Width = 320, Height = 256, Frames = 6, Seed = 51, StarDensity = 20, FieldRotationDegrees = 12, BadFrame = false,
        }, input);
        var config = Path.Combine(dir.Path, "c.yaml");
        File.WriteAllText(config, "assumptions:\n  frames_min: 2\n  frames_reduced_threshold: 100\nregistration:\n  engine: phase_correlation\n");
        var result = StandardPhases.Runner().Start(new StartRequest { InputDir = input, ConfigPath = config, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "pc" });
        Assert.True(result.Status == "ok", result.Error);

        var report = JsonSerializer.Deserialize<RegistrationReport>(File.ReadAllText(Path.Combine(result.RunDir, RegistrationPhase.ReportJson)),
            new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;
        var reference = truth.Frames.Single(f => f.File == report.Reference).Index;
        foreach (var frame in report.Frames)
        {
            Assert.True(frame.Status == "ok", $"{frame.Frame}: {frame.Reason}");
            Assert.Equal(frame.Frame == report.Reference ? "reference" : "phase_correlation", frame.Method);
            var index = truth.Frames.Single(f => f.File == frame.Frame).Index;
            var error = Registration.RegistrationAccuracyTests.TransformError(AffineTransform.FromArray(frame.Matrix!), truth.ReferenceToFrame(reference, index), 320, 256);
            Assert.True(error < 0.1, $"{frame.Frame}: {error:F3} px");
        }
    }
}
