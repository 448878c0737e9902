using System.Text.Json;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Pipeline.Phases;
using TileCompile.Engine.Registration;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

public class MonoPipelineTests : IClassFixture<MonoPipelineFixture>
{
    private readonly MonoPipelineFixture _fx;
    public MonoPipelineTests(MonoPipelineFixture fx) => _fx = fx;

    private (ImagePlane Image, FitsHeader Header) Result()
    {
        using var image = FitsImage.Open(_fx.Outcome.Output!);
        return (new ImagePlane(image.Width, image.Height, image.ReadPlane()), image.Header);
    }

    [Fact]
    public void TheRunCompletesWithAValidLinearImage()
    {
        Assert.Equal("ok", _fx.Outcome.Status);
        var (image, header) = Result();
        Assert.Equal((320, 256), (image.Width, image.Height));
        Assert.All(image.Data, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(23L, header.GetInteger("NCOMBINE"));
        Assert.Equal("main", header.GetString("TC-RUNID"));
        Assert.NotNull(header.GetString("TC-VERS"));
        Assert.Contains(header.Cards, c => c.Keyword == "HISTORY" && c.Comment!.Contains("tile-based quality reconstruction"));
        var (errors, warnings, report) = ExternalTools.FitsVerify(_fx.Outcome.Output!);
        Assert.True(errors == 0, report);
        // The background keeps the frames' linear ADU scale.
        Assert.InRange(RobustStats.SampledMedian(image.Data), 0.8 * _fx.Truth.Options.SkyLevel, 1.3 * _fx.Truth.Options.SkyLevel);
    }

    [Fact]
    public void TheOutputHeaderSaysWhenTheFramesWereTakenHowLongAndHowTheyWereStacked()
    {
        var (_, header) = Result();
        var report = JsonSerializer.Deserialize<RegistrationReport>(File.ReadAllText(_fx.Artifact(RegistrationPhase.ReportJson)), TileCompile.Engine.Pipeline.PhaseContext.JsonFormat)!;
        var used = report.Frames.Where(f => f.Status == "ok")
            .Select(f => FitsImage.ReadHeader(Path.Combine(_fx.InputDir, f.Frame)))
            .Select(h => (Start: DateTime.Parse(h.GetString("DATE-OBS")!, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal), Exposure: h.GetDouble("EXPTIME")!.Value))
            .OrderBy(f => f.Start).ToList();
        Assert.Equal(used[0].Start.ToString("yyyy-MM-ddTHH:mm:ss.fff"), header.GetString("DATE-OBS"));
        Assert.Equal(used[^1].Start.AddSeconds(used[^1].Exposure).ToString("yyyy-MM-ddTHH:mm:ss.fff"), header.GetString("DATE-END"));
        Assert.Equal(used.Sum(f => f.Exposure), header.GetDouble("TOTALEXP")!.Value, 6);
        Assert.Equal(header.GetDouble("TOTALEXP"), header.GetDouble("LIVETIME"));
        Assert.Equal(used[0].Exposure, header.GetDouble("EXPTIME"));
        Assert.Equal(header.GetInteger("NCOMBINE"), header.GetInteger("STACKCNT"));
        Assert.Equal("TileCompile", header.GetString("PROGRAM"));
        Assert.Equal($"TileCompile {EngineInfo.Version}", header.GetString("SWCREATE"));
        var hash = RunInfo.Load(new RunPaths(_fx.Outcome.RunDir).RunJson).ConfigHash;
        // Long HISTORY text continues on the next HISTORY card.
        var history = string.Concat(header.Cards.Where(c => c.Keyword == "HISTORY").Select(c => c.Comment));
        Assert.Contains("winsorized rejection at 3/4 sigma", history);
        Assert.Contains($"config hash {hash}", history);
    }

    [Fact]
    public void RegistrationReportMatchesTruthAndExcludesTheCloudedFrame()
    {
        var report = JsonSerializer.Deserialize<RegistrationReport>(File.ReadAllText(_fx.Artifact(RegistrationPhase.ReportJson)), TileCompile.Engine.Pipeline.PhaseContext.JsonFormat)!;
        var reference = _fx.Truth.Frames.Single(f => f.File == report.Reference).Index;
        Assert.InRange(reference, 6, 18);
        foreach (var frame in report.Frames)
        {
            var truth = _fx.Truth.Frames.Single(f => f.File == frame.Frame);
            if (frame.Status != "ok")
            {
                Assert.Equal("clouds", truth.Defect);
                Assert.False(string.IsNullOrEmpty(frame.Reason));
                continue;
            }
            var error = Registration.RegistrationAccuracyTests.TransformError(AffineTransform.FromArray(frame.Matrix!), _fx.Truth.ReferenceToFrame(reference, truth.Index), 320, 256);
            Assert.True(error < 0.1, $"{frame.Frame}: {error:F3} px");
        }
        Assert.True(report.Frames.Count(f => f.Status == "ok") >= 23);
        var events = EventLogReader.ReadAll(new RunPaths(_fx.Outcome.RunDir).Events);
        Assert.Contains(events, e => e.Type == "warning" && e.String("code") == "frame_excluded");
    }

    [Fact]
    public void StarFluxesAreProportionalToTruth()
    {
        var (image, _) = Result();
        var refFrame = _fx.ReferenceFrame();
        var bg = BackgroundModel.Estimate(image, 32);
        var pairs = new List<(double Truth, double Measured)>();
        foreach (var star in _fx.Truth.Stars.Where(s => s.Flux is > 1200 and < 60000))
        {
            var (x, y) = refFrame.SkyToFrame(star.X, star.Y);
            if (x < 15 || y < 15 || x > image.Width - 16 || y > image.Height - 16) continue;
            if (_fx.Truth.Stars.Any(o => o != star && o.Flux > star.Flux * 0.1 && Dist(refFrame.SkyToFrame(o.X, o.Y), (x, y)) < 10)) continue;
            if (_fx.Truth.Galaxy is { } g && Dist(refFrame.SkyToFrame(g.X, g.Y), (x, y)) < 8 * g.ScaleLength) continue;
            double flux = 0;
            for (var j = -8; j <= 8; j++)
            for (var i = -8; i <= 8; i++)
                if (i * i + j * j <= 64) flux += image[(int)Math.Round(x) + i, (int)Math.Round(y) + j] - bg.At(x, y);
            pairs.Add((star.Flux, flux));
        }
        Assert.True(pairs.Count >= 8, $"only {pairs.Count} stars");
        var mx = pairs.Average(p => p.Truth);
        var my = pairs.Average(p => p.Measured);
        var sxy = pairs.Sum(p => (p.Truth - mx) * (p.Measured - my));
        var sxx = pairs.Sum(p => (p.Truth - mx) * (p.Truth - mx));
        var syy = pairs.Sum(p => (p.Measured - my) * (p.Measured - my));
        var r2 = sxy * sxy / (sxx * syy);
        Assert.True(r2 > 0.99, $"R² = {r2:F4} over {pairs.Count} stars");
    }

    [Fact]
    public void SatelliteTrailAndHotPixelsAreGone()
    {
        var (image, _) = Result();
        var refIndex = _fx.ReferenceFrame().Index;
        var level = RobustStats.SampledMedian(image.Data);
        var sigma = RobustStats.SampledSigma(image.Data, level);

        var trailFrame = _fx.Truth.Frames.Single(f => f.Defect == "satellite_trail");
        var toRef = AffineTransform.FromArray(_fx.Truth.ReferenceToFrame(refIndex, trailFrame.Index)).Inverse();
        var t = trailFrame.Trail!;
        var residuals = new List<double>();
        for (var k = 0; k <= 100; k++)
        {
            var fx = t[0] + (t[2] - t[0]) * k / 100.0;
            var fy = t[1] + (t[3] - t[1]) * k / 100.0;
            var (x, y) = toRef.Apply(fx, fy);
            if (x < 2 || y < 2 || x > image.Width - 3 || y > image.Height - 3) continue;
            residuals.Add(image[(int)Math.Round(x), (int)Math.Round(y)] - level);
        }
        // Along the trail the result is background (stars crossed make a few points bright; the median stays low).
        Assert.True(RobustStats.Median(residuals) < 3 * sigma, $"trail residual {RobustStats.Median(residuals):F1} vs sigma {sigma:F1}");

        var hotResiduals = new List<double>();
        foreach (var frame in _fx.Truth.Frames.Where(f => f.Defect is null).Take(5))
        {
            var back = AffineTransform.FromArray(_fx.Truth.ReferenceToFrame(refIndex, frame.Index)).Inverse();
            foreach (var hp in _fx.Truth.HotPixels)
            {
                var (x, y) = back.Apply(hp[0], hp[1]);
                if (x < 2 || y < 2 || x > image.Width - 3 || y > image.Height - 3) continue;
                var refFrame = _fx.Truth.Frames[refIndex];
                if (_fx.Truth.Stars.Any(s => s.Flux > 300 && Dist(refFrame.SkyToFrame(s.X, s.Y), (x, y)) < 6)) continue;
                hotResiduals.Add(image[(int)Math.Round(x), (int)Math.Round(y)] - level);
            }
        }
        Assert.True(hotResiduals.Max() < 2000, $"a hot pixel survived: {hotResiduals.Max():F0} ADU above background");
        Assert.True(RobustStats.Median(hotResiduals) < 3 * sigma);
    }

    [Fact]
    public void SameInputAndConfigGiveBitIdenticalResultsWhateverTheThreadCount()
    {
        var one = _fx.Run("det", parallelism: 1, runsRoot: Path.Combine(_fx.RunsRoot, "..", "det1"));
        var two = _fx.Run("det", parallelism: 2, runsRoot: Path.Combine(_fx.RunsRoot, "..", "det2"));
        Assert.Equal(File.ReadAllBytes(one.Output!), File.ReadAllBytes(two.Output!));
    }

    [Fact]
    public void ReportsAndPreviewAreWritten()
    {
        foreach (var artifact in new[] { "artifacts/scan.json", "artifacts/registration.json", "artifacts/channels.json", "artifacts/normalization.json",
                     "artifacts/global_metrics.json", "artifacts/tile_grid.json", "artifacts/local_metrics.json", "artifacts/tile_reconstruction.json",
                     "artifacts/validation.json", "artifacts/preview.png", "work/weights.bin", "work/reconstructed_L.fit" })
            Assert.True(File.Exists(_fx.Artifact(artifact)), artifact);
        var png = File.ReadAllBytes(_fx.Artifact("artifacts/preview.png"));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
        using var validation = JsonDocument.Parse(File.ReadAllText(_fx.Artifact("artifacts/validation.json")));
        Assert.Equal("emergency", validation.RootElement.GetProperty("mode").GetString());
        Assert.True(validation.RootElement.GetProperty("tile_boundary_step_ratio").GetDouble() < 1.2);
        var events = EventLogReader.ReadAll(new RunPaths(_fx.Outcome.RunDir).Events);
        Assert.Contains(events, e => e.String("code") == "emergency_mode");
        Assert.Equal("reduced_mode", events.Single(e => e.Type == "phase_end" && e.Phase == 8).String("reason"));
    }

    private static double Dist((double X, double Y) a, (double X, double Y) b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
}
