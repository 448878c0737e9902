using TileCompile.Engine.Registration;
using TileCompile.Engine.Samples;
using Xunit.Abstractions;

namespace TileCompile.Engine.Tests.Registration;

public class PhaseCorrelationTests
{
    private readonly ITestOutputHelper _out;
    public PhaseCorrelationTests(ITestOutputHelper output) => _out = output;

    private static SampleSkyOptions Session(SampleSensor sensor, int seed, double density = 25, double nebulosity = 0) => new()
    {
        Width = 400, Height = 320, Frames = 6, Sensor = sensor, Seed = seed, FieldRotationDegrees = 15, DriftPixels = 40, HotPixels = 200,
        BadFrame = false, StarDensity = density, Nebulosity = nebulosity,
    };

    [Theory]
    [InlineData(SampleSensor.Mono, 31)]
    [InlineData(SampleSensor.Rggb, 32)]
    public void PhaseCorrelationEngineRegistersRotatedDriftingFramesWithinATenthOfAPixel(SampleSensor sensor, int seed)
    {
        using var session = new GeneratedSession(Session(sensor, seed));
        for (var f = 0; f < session.Options.Frames; f++)
        {
            if (f == session.Reference) continue;
            var outcome = session.Register(f, RegistrationEngine.PhaseCorrelation);
            Assert.True(outcome.Reason is null, $"frame {f}: {outcome.Reason}");
            Assert.Equal("phase_correlation", outcome.Method);
            var error = session.Error(f, outcome.Transform);
            _out.WriteLine($"frame {f}: error {error:F4} px, inliers {outcome.Inliers}");
            Assert.True(error < 0.1, $"frame {f}: transform error {error:F3} px");
        }
    }

    [Fact]
    public void CoarseEstimateFindsRotationAndShiftBeforeAnyStarIsUsed()
    {
        using var session = new GeneratedSession(Session(SampleSensor.Mono, 33));
        for (var f = 0; f < session.Options.Frames; f++)
        {
            var estimate = PhaseCorrelation.Estimate(session.Stars[session.Reference].Correlation!, session.Stars[f].Correlation!, FrameRegistrar.MaxCorrelationRotation);
            Assert.NotNull(estimate);
            var truthRotation = session.Truth.Frames[f].RotationDegrees - session.Truth.Frames[session.Reference].RotationDegrees;
            var error = session.Error(f, estimate!.Transform);
            _out.WriteLine($"frame {f}: significance {estimate.Significance:F1}, distinctness {estimate.Distinctness:F2}, rotation {estimate.Transform.RotationDegrees:F2}° (truth {truthRotation:F2}°), error {error:F2} px");
            Assert.True(estimate.Significance >= FrameRegistrar.MinCorrelationSignificance, $"frame {f}: peak {estimate.Significance:F1}σ");
            Assert.True(estimate.Distinctness >= FrameRegistrar.MinCorrelationDistinctness, $"frame {f}: peak only {estimate.Distinctness:F2}× the next");
            Assert.True(Math.Abs(estimate.Transform.RotationDegrees - truthRotation) < 1.5, $"frame {f}: rotation off");
            Assert.True(error < 6, $"frame {f}: coarse error {error:F2} px");
        }
    }

    [Fact]
    public void UnrelatedFieldsAreNotTakenForAnOffset()
    {
        // No galaxy: the generator puts it at the same place in every session, which would correlate for real.
        using var a = new GeneratedSession(Session(SampleSensor.Mono, 34) with { Frames = 2, ExtendedObject = false });
        using var b = new GeneratedSession(Session(SampleSensor.Mono, 35) with { Frames = 2, ExtendedObject = false });
        var estimate = PhaseCorrelation.Estimate(a.Stars[0].Correlation!, b.Stars[0].Correlation!, FrameRegistrar.MaxCorrelationRotation);
        _out.WriteLine($"significance {estimate?.Significance:F1}, distinctness {estimate?.Distinctness:F2}");
        Assert.True(estimate is null || estimate.Distinctness < 1.6, $"unrelated fields correlate with a peak {estimate?.Distinctness:F2}× the next");

        foreach (var engine in new[] { RegistrationEngine.StarMatching, RegistrationEngine.PhaseCorrelation })
        {
            var outcome = FrameRegistrar.Register(a.Stars[0], b.Stars[0], cfa: false, new MatchOptions(), 6, 1.5, engine);
            _out.WriteLine($"{engine}: {outcome.Reason}");
            Assert.NotNull(outcome.Reason);
            Assert.Contains("phase correlation", outcome.Reason);
        }
    }

    [Fact]
    public void StarMatchingFallsBackToPhaseCorrelationWhenTrianglesFindNothing()
    {
        using var session = new GeneratedSession(Session(SampleSensor.Mono, 36));
        // Triangles of only the three brightest stars cannot be matched once the brightness order changes between frames.
        var starved = new MatchOptions { TriangleStars = 3 };
        var rescued = 0;
        for (var f = 0; f < session.Options.Frames; f++)
        {
            if (f == session.Reference) continue;
            var outcome = session.Register(f, RegistrationEngine.StarMatching, starved);
            Assert.True(outcome.Reason is null, $"frame {f}: {outcome.Reason}");
            var error = session.Error(f, outcome.Transform);
            _out.WriteLine($"frame {f}: {outcome.Method}, error {error:F4} px");
            Assert.True(error < 0.1, $"frame {f}: transform error {error:F3} px");
            if (outcome.Method == "phase_correlation") rescued++;
        }
        Assert.True(rescued > 0, "no frame needed the fallback; the test does not exercise it");
    }

    [Fact]
    public void ThePhaseCorrelationEngineFallsBackToStarsWhereCorrelationGivesNothing()
    {
        using var session = new GeneratedSession(Session(SampleSensor.Mono, 37));
        for (var f = 0; f < session.Options.Frames; f++)
        {
            if (f == session.Reference) continue;
            // No correlation image for this frame: correlation cannot answer, the stars must.
            var outcome = FrameRegistrar.Register(session.Stars[session.Reference], session.Stars[f] with { Correlation = null }, false, new MatchOptions(), 6, 1.5,
                RegistrationEngine.PhaseCorrelation);
            Assert.True(outcome.Reason is null, $"frame {f}: {outcome.Reason}");
            Assert.Equal("stars", outcome.Method);
            Assert.True(session.Error(f, outcome.Transform) < 0.1, $"frame {f}: {session.Error(f, outcome.Transform):F3} px");
        }
    }
}
