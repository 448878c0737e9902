using System.Text.Json;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Metrics;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Pipeline.Phases;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

/// <summary>Drizzled sessions end to end: colour truth, coverage maps, scale, the fallback for undithered frames, resume.</summary>
public class DrizzlePipelineTests
{
    private static StackedSession Stack(SampleSkyOptions options, string config) => StackedSession.Run(options, config);

    private static SampleSkyOptions Colour(int seed) => new()
    {
        Width = 320, Height = 256, Frames = 24, Seed = seed, Sensor = SampleSensor.Rggb, CfaPattern = "GRBG", SeeingFwhm = 2.4,
        StarDensity = 40, SatelliteTrail = false, BadFrame = false, ExtendedObject = false,
    };

    [Fact]
    public void A_drizzled_colour_session_keeps_star_colours_and_writes_coverage_and_weight_maps()
    {
        using var s = Stack(Colour(50), "drizzle:\n  mode: 'on'\n");
        var channels = JsonDocument.Parse(File.ReadAllText(s.Artifact(ChannelSplitPhase.ReportJson))).RootElement;
        Assert.StartsWith("drizzle", channels.GetProperty("stack_path").GetString());
        // The event log says what was chosen and why.
        var events = EventLogReader.ReadAll(new RunPaths(s.Outcome.RunDir).Events);
        Assert.Contains(events, e => e.Type == "phase_progress" && e.Phase == 2 && (e.String("substep") ?? "").StartsWith("stacking drizzle: drizzle.mode is on"));

        using var image = FitsImage.Open(s.Outcome.Output!);
        Assert.Equal((320, 256, 3), (image.Width, image.Height, image.Planes));
        Assert.Contains("pixfrac 0.9", image.Header.GetString("TC-DRIZ"));

        // Every interior output pixel of every colour got drops from several frames.
        foreach (var map in new[] { TileReconstructionPhase.CoverageFit, TileReconstructionPhase.WeightFit })
        {
            using var fits = FitsImage.Open(s.Artifact(map));
            Assert.Equal((320, 256, 3), (fits.Width, fits.Height, fits.Planes));
        }
        using (var coverage = FitsImage.Open(s.Artifact(TileReconstructionPhase.CoverageFit)))
        {
            for (var c = 0; c < 3; c++)
            {
                var plane = new ImagePlane(320, 256, coverage.ReadPlane(c));
                var least = double.MaxValue;
                for (var y = 40; y < 216; y++) for (var x = 40; x < 280; x++) least = Math.Min(least, plane[x, y]);
                // Red and blue photosites cover a quarter of the grid per frame, green half: 24 frames give about 6 and 12.
                Assert.True(least > (c == 1 ? 4 : 1.5), $"plane {"RGB"[c]}: an interior pixel has coverage {least:0.00}");
            }
        }

        var errors = s.ColourErrors();
        var bias = RobustStats.Median(errors);
        Assert.True(Math.Abs(bias) < 0.02 && RobustStats.Median(errors.Select(Math.Abs).ToList()) < 0.05,
            $"drizzled star colours are off by {100 * bias:+0.0;-0.0} % on the median against the generator's truth");
    }

    [Fact]
    public void Scale_two_drizzle_of_an_undersampled_dithered_mono_session_is_sharper_than_scale_one()
    {
        var options = new SampleSkyOptions
        {
            Width = 320, Height = 256, Frames = 24, Seed = 51, SeeingFwhm = 1.6, DitherPixels = 6, StarDensity = 60,
            SatelliteTrail = false, BadFrame = false, ExtendedObject = false,
        };
        using var one = Stack(options, "drizzle:\n  mode: 'on'\n  scale: 1\n  pixfrac: 0.6\n");
        using var two = Stack(options, "drizzle:\n  mode: 'on'\n  scale: 2\n  pixfrac: 0.6\n");
        var fwhmOne = MedianFwhm(one, 1);
        var fwhmTwo = MedianFwhm(two, 2);
        using (var image = FitsImage.Open(two.Outcome.Output!)) Assert.Equal((640, 512), (image.Width, image.Height));
        Assert.True(fwhmTwo < 0.95 * fwhmOne, $"FWHM in input pixels: {fwhmTwo:0.000} at scale 2 against {fwhmOne:0.000} at scale 1");
    }

    // Median Moffat FWHM (input pixels) of bright isolated truth stars.
    private static double MedianFwhm(StackedSession s, double scale)
    {
        using var image = FitsImage.Open(s.Outcome.Output!);
        var plane = new ImagePlane(image.Width, image.Height, image.ReadPlane());
        var reference = s.Reference();
        var placed = s.Truth.Stars.Select(t => (Star: t, Pos: reference.SkyToFrame(t.X, t.Y))).ToList();
        var fwhm = new List<double>();
        foreach (var (star, (x, y)) in placed)
        {
            if (star.Flux is < 1500 or > 40000 || x < 15 || y < 15 || x > 304 || y > 240) continue;
            if (placed.Any(o => !ReferenceEquals(o.Star, star) && o.Star.Flux > 0.1 * star.Flux && Math.Pow(o.Pos.X - x, 2) + Math.Pow(o.Pos.Y - y, 2) < 100)) continue;
            var fit = MoffatFit.Fit(plane, (x + 0.5) * scale - 0.5, (y + 0.5) * scale - 0.5, radius: (int)(7 * scale));
            if (fit is not null) fwhm.Add(fit.Fwhm / scale);
        }
        Assert.True(fwhm.Count >= 8, $"only {fwhm.Count} stars fitted");
        return RobustStats.Median(fwhm);
    }

    [Fact]
    public void Frames_without_dither_are_not_drizzled_and_the_log_says_why()
    {
        var options = Colour(52) with { Frames = 8, DitherPixels = 0, DriftPixels = 0, FieldRotationDegrees = 0 };
        using var s = Stack(options, "drizzle:\n  mode: 'on'\n");
        var events = EventLogReader.ReadAll(new RunPaths(s.Outcome.RunDir).Events);
        var warning = Assert.Single(events, e => e.Type == "warning" && e.String("code") == "drizzle_not_used");
        Assert.Contains("Dither between exposures", warning.Message);
        Assert.False(File.Exists(s.Artifact(TileReconstructionPhase.CoverageFit)));
    }

    [Fact]
    public void Auto_takes_the_debayer_below_min_frames_and_drizzle_from_there()
    {
        using var few = Stack(Colour(53) with { Frames = 8 }, "drizzle:\n  mode: auto\n  min_frames: 10\n");
        Assert.DoesNotContain("drizzle", JsonDocument.Parse(File.ReadAllText(few.Artifact(ChannelSplitPhase.ReportJson))).RootElement.GetProperty("stack_path").GetString());
        Assert.Contains("fewer than drizzle.min_frames", File.ReadAllText(few.Artifact("state/phase-01.json")));
        using var many = Stack(Colour(53) with { Frames = 12 }, "drizzle:\n  mode: auto\n  min_frames: 10\n");
        Assert.StartsWith("drizzle", JsonDocument.Parse(File.ReadAllText(many.Artifact(ChannelSplitPhase.ReportJson))).RootElement.GetProperty("stack_path").GetString());
    }

    [Fact]
    public void Pixels_no_drop_reached_are_filled_from_the_registered_frames()
    {
        // Tiny drops from few frames leave gaps in red and blue.
        using var s = Stack(Colour(55) with { Frames = 16, DitherPixels = 8 }, "drizzle:\n  mode: 'on'\n  pixfrac: 0.3\n");
        Assert.True(File.Exists(s.Artifact(TileReconstructionPhase.CoverageFit)), "the session was not drizzled");
        var report = JsonDocument.Parse(File.ReadAllText(s.Artifact(TileReconstructionPhase.ReportJson))).RootElement;
        var filled = report.GetProperty("channels").EnumerateArray().Sum(c => c.GetProperty("filled_from_registered_frames").GetInt32());
        Assert.True(filled > 100, $"only {filled} pixels were filled");
        using var image = FitsImage.Open(s.Outcome.Output!);
        using var coverage = FitsImage.Open(s.Artifact(TileReconstructionPhase.CoverageFit));
        for (var c = 0; c < 3; c++)
        {
            var plane = image.ReadPlane(c);
            var cover = coverage.ReadPlane(c);
            var sky = RobustStats.SampledMedian(plane);
            // Where no drop landed, the value is the sky or a star from the registered frames, not a hole or a zero.
            for (var i = 0; i < plane.Length; i++)
                if (cover[i] == 0 && (i % 320) is > 20 and < 300 && (i / 320) is > 20 and < 236)
                    Assert.True(float.IsFinite(plane[i]) && plane[i] > 0.5 * sky, $"plane {"RGB"[c]} pixel {i}: {plane[i]} where no drop landed (sky {sky:0})");
        }
    }

    [Fact]
    public void A_drizzled_run_resumed_from_stacking_gives_the_same_image()
    {
        using var s = Stack(Colour(54) with { Frames = 12 }, "drizzle:\n  mode: 'on'\n");
        var before = File.ReadAllBytes(s.Outcome.Output!);
        var again = StandardPhases.Runner().Resume(new ResumeRequest { RunDir = s.Outcome.RunDir, FromPhase = "STACKING" });
        Assert.True(again.Status == "ok", again.Error);
        Assert.Equal(before, File.ReadAllBytes(again.Output!));
        again = StandardPhases.Runner().Resume(new ResumeRequest { RunDir = s.Outcome.RunDir, FromPhase = "TILE_RECONSTRUCTION" });
        Assert.True(again.Status == "ok", again.Error);
        Assert.Equal(before, File.ReadAllBytes(again.Output!));
    }
}
