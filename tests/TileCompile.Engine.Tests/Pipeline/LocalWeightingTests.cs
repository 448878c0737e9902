using TileCompile.Engine.Imaging;
using TileCompile.Engine.Pipeline.Phases;
using TileCompile.Engine.Samples;
using Xunit.Abstractions;

namespace TileCompile.Engine.Tests.Pipeline;

/// <summary>Every frame is sharp on one side and soft on the other, alternating; seeing is otherwise constant.</summary>
public sealed class AlternatingSeeingFixture : PipelineFixture
{
    public AlternatingSeeingFixture() : base(new SampleSkyOptions
    {
        Width = 384, Height = 320, Frames = 30, Seed = 61, StarDensity = 60, SeeingVariation = 0, SeeingFieldVariation = 0.4,
        AlternatingFieldSeeing = true, BadFrame = false, SatelliteTrail = false, ExtendedObject = false,
    // The published quality weighting (local_metrics.method: quality) is what follows each side's sharp frames this
    // strongly; the SNR weighting that is the default trades part of that sharpening for signal-to-noise.
    }, "assumptions:\n  frames_min: 5\n  frames_reduced_threshold: 10\nlocal_metrics:\n  method: quality\nglobal_metrics:\n  method: quality\n") { }
}

public class LocalWeightingTests : IClassFixture<AlternatingSeeingFixture>
{
    private readonly AlternatingSeeingFixture _fx;
    private readonly ITestOutputHelper _out;

    public LocalWeightingTests(AlternatingSeeingFixture fixture, ITestOutputHelper output)
    {
        _fx = fixture;
        _out = output;
    }

    [Fact]
    public void EachSideOfTheResultFollowsTheFramesThatAreSharpThere()
    {
        Assert.True(_fx.Outcome.Status == "ok", _fx.Outcome.Error);
        var result = _fx.Image(StackingPhase.StackedFit);
        var mean = _fx.Image(TileReconstructionPhase.ClassicPath("L"));
        var refFrame = _fx.ReferenceFrame();
        var bgResult = BackgroundModel.Estimate(result, 32);
        var bgMean = BackgroundModel.Estimate(mean, 32);
        var w = result.Width;
        var sides = new Dictionary<string, (List<double> Result, List<double> Mean)> { ["left"] = (new(), new()), ["right"] = (new(), new()) };
        foreach (var star in _fx.Truth.Stars.Where(s => s.Flux is > 800 and < 40000))
        {
            var (x, y) = refFrame.SkyToFrame(star.X, star.Y);
            if (y < 15 || y > result.Height - 16) continue;
            var side = x > 15 && x < w / 3.0 ? "left" : x > 2 * w / 3.0 && x < w - 16 ? "right" : null;
            if (side is null) continue;
            if (_fx.Truth.Stars.Any(o => o != star && o.Flux > star.Flux * 0.2 && Math.Abs(refFrame.SkyToFrame(o.X, o.Y).X - x) + Math.Abs(refFrame.SkyToFrame(o.X, o.Y).Y - y) < 12)) continue;
            sides[side].Result.Add(HalfFluxDiameter.Measure(result, x, y, bgResult.At(x, y), 10));
            sides[side].Mean.Add(HalfFluxDiameter.Measure(mean, x, y, bgMean.At(x, y), 10));
        }
        foreach (var (side, (r, m)) in sides)
        {
            Assert.True(r.Count >= 8, $"{side}: only {r.Count} stars");
            var hr = RobustStats.Median(r);
            var hm = RobustStats.Median(m);
            var gain = 100 * (1 - hr / hm);
            _out.WriteLine($"{side}: {r.Count} stars, HFD {hr:F3} px against {hm:F3} px in the plain mean ({gain:+0.0;-0.0} %)");
            Assert.True(gain >= 4, $"{side}: HFD {hr:F3} px is only {gain:F1} % below the plain mean's {hm:F3} px");
        }
    }
}
