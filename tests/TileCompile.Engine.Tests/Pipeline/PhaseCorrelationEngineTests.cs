using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

public class PhaseCorrelationEngineTests
{
    [Fact]
    public void ASessionRunsWithThePhaseCorrelationEngineAndReportsTheMethodPerFrame()
    {
        using var dir = new TempDirectory();
        var session = RegisteredSession.Run(dir, new SampleSkyOptions
        {
            Width = 320, Height = 256, Frames = 6, Seed = 51, StarDensity = 20, FieldRotationDegrees = 12, BadFrame = false,
        }, "assumptions:\n  frames_min: 2\n  frames_reduced_threshold: 100\nregistration:\n  engine: phase_correlation\n");
        foreach (var (frame, error) in session.Frames)
        {
            Assert.True(frame.Status == "ok", $"{frame.Frame}: {frame.Reason}");
            Assert.Equal(frame.Frame == session.Report.Reference ? "reference" : "phase_correlation", frame.Method);
            Assert.True(error < 0.1, $"{frame.Frame}: {error:F3} px");
        }
    }
}
