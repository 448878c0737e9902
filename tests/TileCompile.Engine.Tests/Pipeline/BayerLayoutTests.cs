using System.Text.Json;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Metrics;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Pipeline.Phases;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

/// <summary>Colour sessions of every Bayer layout, stacked end to end, measured against the generator's truth.</summary>
public class BayerLayoutTests
{
    private const string Reduced = "assumptions:\n  frames_min: 5\n  frames_reduced_threshold: 100\n";

    private sealed record Session(TempDirectory Dir, SampleTruth Truth, RunOutcome Outcome) : IDisposable
    {
        public void Dispose() => Dir.Dispose();
    }

    private static Session Stack(string layout, string config = "", double seeing = 2.4, int seed = 40, Action<FitsHeader>? rewrite = null)
    {
        var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "frames");
        var truth = SampleSkyGenerator.Generate(new SampleSkyOptions
        {
            Width = 320, Height = 256, Frames = 16, Seed = seed, Sensor = SampleSensor.Rggb, CfaPattern = layout, SeeingFwhm = seeing,
            StarDensity = 40, SatelliteTrail = false, BadFrame = false, ExtendedObject = false,
        }, input);
        if (rewrite is not null)
        {
            foreach (var file in Directory.GetFiles(input, "*.fit"))
            {
                float[] data;
                FitsHeader header;
                int w, h;
                using (var fits = FitsImage.Open(file))
                {
                    data = fits.ReadPlane();
                    header = fits.Header.Clone();
                    (w, h) = (fits.Width, fits.Height);
                }
                rewrite(header);
                using var stream = File.Create(file);
                FitsWriter.WriteFloat32(stream, data, w, h, header: header);
            }
        }
        var configPath = Path.Combine(dir.Path, "config.yaml");
        File.WriteAllText(configPath, Reduced + config);
        var outcome = StandardPhases.Runner().Start(new StartRequest { InputDir = input, ConfigPath = configPath, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "run" });
        Assert.True(outcome.Status == "ok", outcome.Error);
        return new Session(dir, truth, outcome);
    }

    // Bright, unsaturated, isolated stars of the truth, at their place on the reference grid.
    private static List<(TruthStar Star, double X, double Y)> Measurable(Session s, int width, int height)
    {
        var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(s.Outcome.RunDir, RegistrationPhase.ReportJson))).RootElement.GetProperty("reference").GetString();
        var frame = s.Truth.Frames.Single(f => f.File == reference);
        var placed = s.Truth.Stars.Select(t => (Star: t, Pos: frame.SkyToFrame(t.X, t.Y))).ToList();
        return placed
            .Where(p => p.Star.Flux is > 2000 and < 60000 && p.Pos.X > 20 && p.Pos.Y > 20 && p.Pos.X < width - 21 && p.Pos.Y < height - 21)
            .Where(p => !placed.Any(o => !ReferenceEquals(o.Star, p.Star) && o.Star.Flux > 0.1 * p.Star.Flux
                                         && Math.Pow(o.Pos.X - p.Pos.X, 2) + Math.Pow(o.Pos.Y - p.Pos.Y, 2) < 10 * 10))
            .Select(p => (p.Star, p.Pos.X, p.Pos.Y)).ToList();
    }

    [Theory]
    [InlineData("RGGB")]
    [InlineData("BGGR")]
    [InlineData("GRBG")]
    [InlineData("GBRG")]
    public void Star_colours_come_through_every_layout_within_two_percent(string layout)
    {
        using var session = Stack(layout);
        using var image = FitsImage.Open(session.Outcome.Output!);
        Assert.Equal(3, image.Planes);
        var planes = Enumerable.Range(0, 3).Select(c => new ImagePlane(image.Width, image.Height, image.ReadPlane(c))).ToArray();
        var errors = new List<double>();
        foreach (var (star, x, y) in Measurable(session, image.Width, image.Height))
        {
            var flux = planes.Select(p => StackQuality.ApertureFlux(p, x, y)).ToArray();
            errors.Add(flux[0] / flux[1] / (star.Red / star.Green) - 1);
            errors.Add(flux[2] / flux[1] / (star.Blue / star.Green) - 1);
        }
        Assert.True(errors.Count >= 12, $"only {errors.Count / 2} measurable stars");
        // Each star's ratio carries photon noise of a few percent; the median over the stars must be true to 2 %,
        // and a wrong layout (colours swapped or mixed) would put the typical star off by tens of percent.
        var typical = RobustStats.Median(errors.Select(Math.Abs).ToList());
        var bias = RobustStats.Median(errors);
        Assert.True(typical < 0.05 && Math.Abs(bias) < 0.02,
            $"{layout}: star colours of {errors.Count / 2} stars are off by {100 * typical:0.0} % typically, {100 * bias:+0.0;-0.0} % on the median " +
            $"(R/G {100 * RobustStats.Median(errors.Where((_, k) => k % 2 == 0).ToList()):+0.0;-0.0} %, B/G {100 * RobustStats.Median(errors.Where((_, k) => k % 2 == 1).ToList()):+0.0;-0.0} %), against the generator's truth");
    }

    [Theory]
    [InlineData("RGGB", 1, 0, null)]        // RGGB moved one column: the stored pixels are GRBG
    [InlineData("BGGR", 0, 0, "TOP-DOWN")]  // BGGR stated bottom-up, rows stored top-down: GRBG again
    [InlineData("GBRG", 1, 1, "BOTTOM-UP")] // GBRG moved by one in both directions: GRBG
    public void Bayer_offsets_and_row_order_in_the_headers_are_honoured(string declared, int xOffset, int yOffset, string? rowOrder)
    {
        // GRBG frames whose headers describe the same photosites in another way; the colours must come out the same.
        using var session = Stack("GRBG", rewrite: header =>
        {
            header.Set("BAYERPAT", declared, "colour filter array");
            header.Set("XBAYROFF", (long)xOffset, "Bayer x offset");
            header.Set("YBAYROFF", (long)yOffset, "Bayer y offset");
            if (rowOrder is not null) header.Set("ROWORDER", rowOrder, "row order");
        });
        using var image = FitsImage.Open(session.Outcome.Output!);
        var planes = Enumerable.Range(0, 3).Select(c => new ImagePlane(image.Width, image.Height, image.ReadPlane(c))).ToArray();
        var errors = new List<double>();
        foreach (var (star, x, y) in Measurable(session, image.Width, image.Height))
        {
            var flux = planes.Select(p => StackQuality.ApertureFlux(p, x, y)).ToArray();
            errors.Add(flux[0] / flux[1] / (star.Red / star.Green) - 1);
            errors.Add(flux[2] / flux[1] / (star.Blue / star.Green) - 1);
        }
        Assert.True(errors.Count >= 12, $"only {errors.Count / 2} measurable stars");
        Assert.True(Math.Abs(RobustStats.Median(errors)) < 0.02 && RobustStats.Median(errors.Select(Math.Abs).ToList()) < 0.05,
            $"BAYERPAT {declared}, XBAYROFF {xOffset}, YBAYROFF {yOffset}, ROWORDER {rowOrder ?? "absent"}: colours off by {100 * RobustStats.Median(errors):+0.0;-0.0} %");
    }

    [Fact]
    public void Debayering_before_warping_keeps_stars_sharper_than_half_resolution_planes()
    {
        using var full = Stack("GRBG", seeing: 2.2, seed: 44);
        using var half = Stack("GRBG", "registration:\n  debayer: half_resolution\n", seeing: 2.2, seed: 44);
        var fullFwhm = MedianFwhm(full);
        var halfFwhm = MedianFwhm(half);
        Assert.True(fullFwhm < 0.9 * halfFwhm, $"FWHM {fullFwhm:0.00} px debayered first against {halfFwhm:0.00} px on half-resolution planes");
        // The seeing of the frames is 2.2 px (± a few %); registration and stacking may widen it a little, not by a third.
        Assert.True(fullFwhm < 2.2 * 1.25, $"FWHM {fullFwhm:0.00} px for frames of 2.2 px seeing");
        // The registration manifest says which colour path was taken.
        Assert.Contains("debayered at full resolution", File.ReadAllText(Path.Combine(full.Outcome.RunDir, "state", "phase-01.json")));
    }

    private static double MedianFwhm(Session s)
    {
        using var image = FitsImage.Open(s.Outcome.Output!);
        var green = new ImagePlane(image.Width, image.Height, image.ReadPlane(1));
        var fwhm = Measurable(s, image.Width, image.Height).Select(m => MoffatFit.Fit(green, m.X, m.Y)?.Fwhm ?? double.NaN).Where(double.IsFinite).ToList();
        Assert.True(fwhm.Count >= 6, $"only {fwhm.Count} stars could be fitted");
        return RobustStats.Median(fwhm);
    }
}
