using System.Text.Json;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.Calibration;

/// <summary>Whole runs over generated lights with vignetting, a dust shadow and a bias pedestal, with flats beside them.</summary>
public class CalibratedRunTests
{
    private const int W = 320, H = 256;
    private const double Bias = 800;

    // Vignetting (30 % darker corners) and a dust shadow (15 % deep, 12 px) that the flats record and the lights suffer.
    private static double Throughput(int x, int y) =>
        (1 - 0.3 * (Math.Pow((x - W / 2.0) / (W / 2.0), 2) + Math.Pow((y - H / 2.0) / (H / 2.0), 2)))
        * (1 - 0.15 * Math.Exp(-(Math.Pow(x - 200, 2) + Math.Pow(y - 90, 2)) / (2 * 12 * 12)));

    private static void WriteFrames(string dir, int count, int seed, Func<int, int, Random, double> value, string imageType, Action<FitsHeader>? more = null)
    {
        Directory.CreateDirectory(dir);
        var random = new Random(seed);
        for (var k = 0; k < count; k++)
        {
            var data = new float[W * H];
            for (var y = 0; y < H; y++) for (var x = 0; x < W; x++) data[y * W + x] = (float)value(x, y, random);
            var header = new FitsHeader();
            header.Set("IMAGETYP", imageType, "frame type");
            header.Set("EXPTIME", 1.0, "exposure [s]");
            more?.Invoke(header);
            using var stream = File.Create(Path.Combine(dir, $"{imageType.Replace(' ', '_')}_{k:D3}.fit"));
            FitsWriter.WriteFloat32(stream, data, W, H, header: header);
        }
    }

    private static float[] Pixels(string fit)
    {
        using var fits = FitsImage.Open(fit);
        return fits.ReadPlane();
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    // Generated lights seen through the optics: bias + throughput × sky and stars; flats and flat-darks beside them.
    private static (TempDirectory Dir, string Lights) Session(bool withCalibration)
    {
        var dir = new TempDirectory();
        var generated = Path.Combine(dir.Path, "generated");
        SampleSkyGenerator.Generate(new SampleSkyOptions { Width = W, Height = H, Frames = 10, Seed = 70, SkyGradient = 0, SatelliteTrail = false, BadFrame = false, HotPixels = 0, ExtendedObject = false }, generated);
        var lights = Path.Combine(dir.Path, "target", "lights");
        Directory.CreateDirectory(lights);
        foreach (var file in Directory.GetFiles(generated, "*.fit"))
        {
            using var fits = FitsImage.Open(file);
            var data = fits.ReadPlane();
            for (var y = 0; y < H; y++) for (var x = 0; x < W; x++) data[y * W + x] = (float)(Bias + data[y * W + x] * Throughput(x, y));
            using var stream = File.Create(Path.Combine(lights, Path.GetFileName(file)));
            FitsWriter.WriteFloat32(stream, data, W, H, header: fits.Header.Clone());
        }
        if (withCalibration)
        {
            WriteFrames(Path.Combine(dir.Path, "target", "flats"), 8, 1, (x, y, r) => Bias + 20000 * Throughput(x, y) + 140 * Gaussian(r), "Flat Field");
            WriteFrames(Path.Combine(dir.Path, "target", "darkflats"), 8, 2, (_, _, r) => Bias + 5 * Gaussian(r), "Dark Frame");
        }
        return (dir, lights);
    }

    private static RunOutcome Run(TempDirectory dir, string lights, string yaml = "", string runId = "r")
    {
        var config = Path.Combine(dir.Path, "config.yaml");
        File.WriteAllText(config, "assumptions:\n  frames_min: 5\n  frames_reduced_threshold: 100\n" + yaml);
        return StandardPhases.Runner().Start(new StartRequest { InputDir = lights, ConfigPath = config, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = runId });
    }

    // Spread of the background: (99th − 1st percentile) / median of 32×32 block medians, 5 % border left out.
    private static double BackgroundSpread(string stacked)
    {
        using var fits = FitsImage.Open(stacked);
        var plane = new ImagePlane(fits.Width, fits.Height, fits.ReadPlane());
        var medians = new List<double>();
        for (var y = H / 20; y + 32 <= H - H / 20; y += 32)
        for (var x = W / 20; x + 32 <= W - W / 20; x += 32)
        {
            var block = new List<double>();
            for (var j = 0; j < 32; j++) for (var i = 0; i < 32; i++) block.Add(plane[x + i, y + j]);
            medians.Add(RobustStats.Median(block));
        }
        medians.Sort();
        return (medians[(int)(0.99 * (medians.Count - 1))] - medians[(int)(0.01 * (medians.Count - 1))]) / RobustStats.Median(medians);
    }

    [Fact]
    public void Flats_found_beside_the_lights_take_out_vignetting_and_dust()
    {
        var (plainDir, plainLights) = Session(withCalibration: false);
        using (plainDir)
        {
            var (dir, lights) = Session(withCalibration: true);
            using (dir)
            {
                var plain = Run(plainDir, plainLights);
                var calibrated = Run(dir, lights);
                Assert.True(plain.Status == "ok", plain.Error);
                Assert.True(calibrated.Status == "ok", calibrated.Error);
                var before = BackgroundSpread(plain.Output!);
                var after = BackgroundSpread(calibrated.Output!);
                // The sky is flat in truth; through the optics it varies by about 30 %.
                Assert.True(before > 0.15, $"uncalibrated spread {before:P1}");
                Assert.True(after < 0.02, $"calibrated spread {after:P1} (uncalibrated {before:P1})");

                var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(calibrated.RunDir, "artifacts", "calibration.json"))).RootElement;
                var kinds = report.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("kind").GetString()).ToList();
                Assert.Equal(new[] { "flat", "darkflat", "darkflat_as_bias" }, kinds);
                using var gain = FitsImage.Open(Path.Combine(calibrated.RunDir, "artifacts", "calibration", "flat_gain.fit"));
                Assert.Equal(8L, (long)gain.Header.GetDouble("NCOMBINE")!);
                // The dust shadow is in the gain map where it was put, as deep as it is (the vignetting differs a little there too).
                var g = gain.ReadPlane();
                var expected = Throughput(200, 90) / Throughput(240, 90);
                Assert.InRange(g[90 * W + 200] / g[90 * W + 240], expected - 0.01, expected + 0.01);
            }
        }
    }

    [Fact]
    public void Changed_calibration_frames_make_a_resume_calibrate_again()
    {
        var (dir, lights) = Session(withCalibration: true);
        using (dir)
        {
            var first = Run(dir, lights);
            Assert.True(first.Status == "ok", first.Error);
            var runner = StandardPhases.Runner();
            var unchanged = runner.PlanResume(new ResumeRequest { RunDir = first.RunDir });
            Assert.True(unchanged.NothingToDo);

            // A flat taken again (same name, new content): the masters the run used are no longer what the folder gives.
            WriteFrames(Path.Combine(dir.Path, "target", "flats"), 1, 9, (x, y, r) => Bias + 20000 * Throughput(x, y) + 140 * Gaussian(r), "Flat Field");
            var plan = runner.PlanResume(new ResumeRequest { RunDir = first.RunDir });
            var registration = plan.Phases.Single(p => p.Phase == PhaseId.Registration);
            Assert.Equal(PhaseAction.Run, registration.Action);
            Assert.Equal("calibration_changed", registration.Reason);
            Assert.Equal(PhaseId.Registration, plan.FirstToRun);
            var resumed = runner.Resume(new ResumeRequest { RunDir = first.RunDir });
            Assert.True(resumed.Status == "ok", resumed.Error);
            Assert.True(runner.PlanResume(new ResumeRequest { RunDir = first.RunDir }).NothingToDo);
        }
    }

    [Fact]
    public void A_flat_of_another_size_stops_the_run_naming_the_file()
    {
        var (dir, lights) = Session(withCalibration: false);
        using (dir)
        {
            var flats = Path.Combine(dir.Path, "target", "flats");
            Directory.CreateDirectory(flats);
            var small = new float[64 * 64];
            Array.Fill(small, 1000f);
            using (var stream = File.Create(Path.Combine(flats, "small_flat.fit"))) FitsWriter.WriteFloat32(stream, small, 64, 64);
            var outcome = Run(dir, lights);
            Assert.Equal("error", outcome.Status);
            Assert.Contains("small_flat.fit is 64x64, the lights are 320x256", outcome.Error);
        }
    }

    [Fact]
    public void Discovery_can_be_turned_off()
    {
        var (dir, lights) = Session(withCalibration: true);
        using (dir)
        {
            var outcome = Run(dir, lights, "calibration:\n  discover: false\n");
            Assert.True(outcome.Status == "ok", outcome.Error);
            var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(outcome.RunDir, "artifacts", "calibration.json"))).RootElement;
            Assert.Equal(0, report.GetProperty("sources").GetArrayLength());
        }
    }

    [Fact]
    public void A_second_run_reuses_the_masters_and_a_damaged_one_is_built_again()
    {
        var (dir, lights) = Session(withCalibration: true);
        using (dir)
        {
            var first = Run(dir, lights, runId: "first");
            Assert.True(first.Status == "ok", first.Error);
            var library = Path.Combine(dir.Path, "runs", "masters");
            var stored = Directory.GetFiles(library, "*.fit").OrderBy(f => f).ToList();
            Assert.Equal(2, stored.Count); // the flat and the flat-dark master
            var written = stored.Select(File.GetLastWriteTimeUtc).ToList();

            var second = Run(dir, lights, runId: "second");
            Assert.True(second.Status == "ok", second.Error);
            Assert.Equal(written, stored.Select(File.GetLastWriteTimeUtc).ToList());
            var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(second.RunDir, "artifacts", "calibration.json"))).RootElement;
            Assert.All(report.GetProperty("sources").EnumerateArray().Where(s => s.GetProperty("kind").GetString() is "flat" or "darkflat"),
                s => Assert.True(s.GetProperty("reused").GetBoolean()));
            var events = EventLogReader.ReadAll(new RunPaths(second.RunDir).Events);
            Assert.Equal(2, events.Count(e => e.Type == "phase_progress" && (e.String("substep") ?? "").StartsWith("master ", StringComparison.Ordinal)
                                              && e.String("substep")!.Contains(" reused from ")));
            // The same output: the masters read back are the masters built.
            Assert.Equal(Pixels(first.Output!), Pixels(second.Output!));

            // A damaged master is noticed and built again, with a warning.
            var bytes = File.ReadAllBytes(stored[0]);
            bytes[^100] ^= 0x5a;
            File.WriteAllBytes(stored[0], bytes);
            var third = Run(dir, lights, runId: "third");
            Assert.True(third.Status == "ok", third.Error);
            var warnings = EventLogReader.ReadAll(new RunPaths(third.RunDir).Events).Where(e => e.Type == "warning" && e.String("code") == "master_rebuilt").ToList();
            Assert.Single(warnings);
            Assert.Equal(Pixels(first.Output!), Pixels(third.Output!));
        }
    }

    [Fact]
    public void Darks_taken_at_another_exposure_and_temperature_are_refused_with_both_conditions()
    {
        var (dir, lights) = Session(withCalibration: false);
        using (dir)
        {
            WriteFrames(Path.Combine(dir.Path, "target", "darks"), 3, 4, (_, _, r) => Bias + 5 * Gaussian(r), "Dark Frame", h =>
            {
                h.Set("EXPTIME", 120.0, "exposure [s]");
                h.Set("CCD-TEMP", -10.0, "sensor temperature [C]");
            });
            var outcome = Run(dir, lights);
            Assert.Equal("error", outcome.Status);
            Assert.True(outcome.Error!.Contains("(120 s at -10.0 °C) does not match the lights (10 s at 12.5 °C", StringComparison.Ordinal)
                        && outcome.Error.Contains("the exposure and temperature differ", StringComparison.Ordinal), outcome.Error);
            Assert.False(Directory.Exists(Path.Combine(dir.Path, "runs", "masters")));
        }
    }

    [Fact]
    public void Hot_pixels_of_the_master_dark_are_repaired_like_sensor_defects()
    {
        var (dir, lights) = Session(withCalibration: false);
        using (dir)
        {
            var hot = Enumerable.Range(0, 20).Select(k => (X: 20 + 13 * k, Y: 30 + 9 * k)).ToHashSet();
            WriteFrames(Path.Combine(dir.Path, "target", "darks"), 5, 6, (x, y, r) => Bias + 5 * Gaussian(r) + (hot.Contains((x, y)) ? 3000 : 0), "Dark Frame", h =>
            {
                h.Set("EXPTIME", 10.0, "exposure [s]");
                h.Set("CCD-TEMP", 12.5, "sensor temperature [C]");
            });
            var outcome = Run(dir, lights);
            Assert.True(outcome.Status == "ok", outcome.Error);
            var facts = JsonDocument.Parse(File.ReadAllText(Path.Combine(outcome.RunDir, "state", "phase-01.json"))).RootElement.GetProperty("facts");
            var defects = int.Parse(facts.GetProperty("sensor_defects").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(defects >= 20, $"{defects} sensor defects, the master dark has 20 hot pixels");
            Assert.Contains("dark 5 frames", facts.GetProperty("calibration").GetString());
        }
    }

    [Fact]
    public void Dark_scaling_takes_the_bias_off_and_scales_the_dark_current_to_the_lights_exposure()
    {
        var (dir, lights) = Session(withCalibration: false);
        using (dir)
        {
            // 20 s darks with 40 ADU of dark current on the bias, for 10 s lights: 20 ADU of it belong to the lights.
            WriteFrames(Path.Combine(dir.Path, "target", "darks"), 5, 7, (_, _, r) => Bias + 40 + 2 * Gaussian(r), "Dark Frame", h => h.Set("EXPTIME", 20.0, "exposure [s]"));
            var refused = Run(dir, lights, "calibration:\n  dark_scaling: true\n", runId: "nobias");
            Assert.Equal("error", refused.Status);
            Assert.Contains("calibration.dark_scaling needs a bias", refused.Error);

            WriteFrames(Path.Combine(dir.Path, "target", "bias"), 5, 8, (_, _, r) => Bias + 2 * Gaussian(r), "Bias Frame");
            var outcome = Run(dir, lights, "calibration:\n  dark_scaling: true\n", runId: "scaled");
            Assert.True(outcome.Status == "ok", outcome.Error);
            using var dark = FitsImage.Open(Path.Combine(outcome.RunDir, "artifacts", "calibration", "master_dark.fit"));
            Assert.InRange(RobustStats.Median(dark.ReadPlane()), Bias + 19.5, Bias + 20.5);
        }
    }

    public static TheoryData<string, string, string> BadCalibration => new()
    {
        // case, what the run is told, what the error must say
        { "truncated master", "calibration:\n  darks: masters/dark.fit\n", "dark.fit" },
        { "dark of another size", "", "is 64x64, the lights are 320x256" },
        { "flat of zeros", "", "target/flats: the master flat has no light" },
        { "mismatched master", "calibration:\n  darks: masters/dark.fit\n", "does not match the lights" },
    };

    [Theory]
    [MemberData(nameof(BadCalibration))]
    public void Bad_calibration_input_stops_the_run_naming_the_file_and_leaves_the_master_library_empty(string what, string yaml, string expected)
    {
        var (dir, lights) = Session(withCalibration: true);
        using (dir)
        {
            var target = Path.Combine(dir.Path, "target");
            switch (what)
            {
                case "truncated master":
                case "mismatched master":
                    Directory.CreateDirectory(Path.Combine(lights, "masters"));
                    WriteFrames(Path.Combine(lights, "masters"), 1, 5, (_, _, r) => Bias + 2 * Gaussian(r), "Dark Frame",
                        h => h.Set("EXPTIME", what == "mismatched master" ? 120.0 : 10.0, "exposure [s]"));
                    var written = Directory.GetFiles(Path.Combine(lights, "masters"))[0];
                    File.Move(written, Path.Combine(lights, "masters", "dark.fit"));
                    if (what == "truncated master")
                    {
                        var bytes = File.ReadAllBytes(Path.Combine(lights, "masters", "dark.fit"));
                        File.WriteAllBytes(Path.Combine(lights, "masters", "dark.fit"), bytes[..(bytes.Length / 2)]);
                    }
                    break;
                case "dark of another size":
                    WriteFrames(Path.Combine(target, "darks"), 3, 5, (_, _, r) => Bias + 2 * Gaussian(r), "Dark Frame", h => h.Set("EXPTIME", 10.0, "exposure [s]"));
                    var small = new float[64 * 64];
                    var header = new FitsHeader();
                    header.Set("EXPTIME", 10.0, "exposure [s]");
                    using (var stream = File.Create(Path.Combine(target, "darks", "Dark_Frame_009.fit"))) FitsWriter.WriteFloat32(stream, small, 64, 64, header: header);
                    break;
                case "flat of zeros":
                    foreach (var f in Directory.GetFiles(Path.Combine(target, "flats"))) File.Delete(f);
                    WriteFrames(Path.Combine(target, "flats"), 4, 5, (_, _, _) => 0, "Flat Field");
                    break;
            }
            var outcome = Run(dir, lights, yaml);
            Assert.Equal("error", outcome.Status);
            Assert.Contains(expected, outcome.Error);
            var library = Path.Combine(dir.Path, "runs", "masters");
            if (Directory.Exists(library)) Assert.Empty(Directory.GetFiles(library));
        }
    }
}
