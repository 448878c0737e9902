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
        // Nebulosity four times the sky, few stars, and a satellite trail across the reference frame.
        using var dir = new TempDirectory();
        var session = RegisteredSession.Run(dir, new SampleSkyOptions
        {
            Width = 400, Height = 320, Frames = 6, Sensor = SampleSensor.Rggb, Seed = 52, StarDensity = 15, Nebulosity = 2500,
            FieldRotationDegrees = 12, DriftPixels = 30, BadFrame = false,
        }, "assumptions:\n  frames_min: 2\n  frames_reduced_threshold: 100\n");
        foreach (var (frame, error) in session.Frames) _out.WriteLine($"{frame.Frame}: {frame.Method}, image aligned {frame.ImageAligned}, error {error:F4} px");
        foreach (var (frame, error) in session.Frames)
        {
            Assert.True(frame.Status == "ok", $"{frame.Frame}: {frame.Reason}");
            Assert.True(error < 0.1, $"{frame.Frame}: {error:F3} px");
            Assert.Equal(frame.Frame != session.Report.Reference, frame.ImageAligned);
        }
        Assert.Contains("\"image_aligned\": true", session.Json);
    }
}
