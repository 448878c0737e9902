using System.Text.Json;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

public class ColourPipelineTests : IClassFixture<ColourPipelineFixture>
{
    private readonly ColourPipelineFixture _fx;
    public ColourPipelineTests(ColourPipelineFixture fx) => _fx = fx;

    [Fact]
    public void FullModeRunsClusteringAndWritesAnRgbCube()
    {
        Assert.Equal("ok", _fx.Outcome.Status);
        var events = EventLogReader.ReadAll(new RunPaths(_fx.Outcome.RunDir).Events);
        Assert.Equal("ok", events.Single(e => e.Type == "phase_end" && e.Phase == 8).Status);
        Assert.Equal("ok", events.Single(e => e.Type == "phase_end" && e.Phase == 9).Status);
        using var clusters = JsonDocument.Parse(File.ReadAllText(_fx.Artifact("artifacts/clusters.json")));
        Assert.InRange(clusters.RootElement.GetProperty("count").GetInt32(), 3, 6);

        using var image = FitsImage.Open(_fx.Outcome.Output!);
        Assert.Equal((320, 256, 3), (image.Width, image.Height, image.Planes));
        Assert.Null(image.Header.GetString("BAYERPAT"));
        var levels = Enumerable.Range(0, 3).Select(p => RobustStats.SampledMedian(image.ReadPlane(p))).ToArray();
        // Sky colour of the generator: R 0.85, G 1, B 0.75 of the level.
        Assert.InRange(levels[0] / levels[1], 0.80, 0.90);
        Assert.InRange(levels[2] / levels[1], 0.70, 0.80);
        for (var p = 0; p < 3; p++) Assert.All(image.ReadPlane(p), v => Assert.True(float.IsFinite(v)));
        var (errors, _, report) = ExternalTools.FitsVerify(_fx.Outcome.Output!);
        Assert.True(errors == 0, report);
    }

    [Fact]
    public void RegisteredFramesAreFullResolutionColourPlanesThatKeepTheSkyColour()
    {
        // Debayered before warping: each registered frame is an R, G, B cube at the frame's size, and each plane
        // keeps its own colour's level (the generator's sky is 0.85 : 1 : 0.75), so no colour leaked into another.
        var registered = Directory.GetFiles(Path.Combine(_fx.Outcome.RunDir, "outputs", "registered")).OrderBy(f => f).First();
        using var image = FitsImage.Open(registered);
        Assert.Equal(3, image.Planes);
        Assert.Null(image.Header.GetString("BAYERPAT"));
        var median = Enumerable.Range(0, 3).Select(c => RobustStats.Median(image.ReadPlane(c).Where(float.IsFinite).ToArray())).ToArray();
        Assert.InRange(median[0] / median[1], 0.82, 0.88);
        Assert.InRange(median[2] / median[1], 0.72, 0.78);
    }
}
