using System.Text.Json;
using TileCompile.Engine.Calibration;
using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Pipeline.Phases;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.Calibration;

/// <summary>
/// Calibration against the generator's truth: lights through a sensor with bias structure, dark current, amp glow,
/// hot pixels, vignetting and dust, with bias, darks, flats and flat-darks beside them and the true masters.
/// </summary>
public class GeneratedCalibrationTests
{
    private const int W = 256, H = 192;

    private static SampleSkyOptions Options(SampleSensor sensor, int frames = 6) => new()
    {
        Width = W, Height = H, Frames = frames, Sensor = sensor, Seed = 41, Calibration = true, CalibrationFrames = 16,
        SatelliteTrail = false, BadFrame = false, CosmicRaysPerFrame = 0, HotPixels = 30,
    };

    private static ImagePlane Read(string file)
    {
        using var fits = FitsImage.Open(file);
        return new ImagePlane(fits.Width, fits.Height, fits.ReadPlane());
    }

    private static ConfigView RegistrationConfig(string yaml = "") =>
        new(yaml.Length == 0 ? TileConfig.Default : TileConfig.Parse(yaml), PhaseId.Registration, new RegistrationPhase().ConfigKeys);

    private static double Rms(float[] a, float[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++) sum += (a[i] - b[i]) * (double)(a[i] - b[i]);
        return Math.Sqrt(sum / a.Length);
    }

    // Pixel noise of a frame: the robust scatter of its difference from another frame of the session, over √2.
    private static double Noise(float[] a, float[] b)
    {
        var diff = new float[a.Length];
        for (var i = 0; i < a.Length; i++) diff[i] = a[i] - b[i];
        return RobustStats.SampledSigma(diff, RobustStats.SampledMedian(diff)) / Math.Sqrt(2);
    }

    [Theory]
    [InlineData(SampleSensor.Mono)]
    [InlineData(SampleSensor.Rggb)]
    public void Masters_built_from_the_folders_match_the_true_masters_and_calibrated_lights_match_the_truth(SampleSensor sensor)
    {
        using var dir = new TempDirectory();
        var truth = SampleSkyGenerator.Generate(Options(sensor), dir.Path);
        var pattern = truth.BayerPattern is { } p ? BayerPattern.Parse(p) : (BayerPattern?)null;
        var sources = CalibrationInputs.Locate(dir.Path, RegistrationConfig());
        Assert.Equal(new[] { "bias", "dark", "darkflat", "flat" }, sources.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.All(sources.Values, s => Assert.Equal(16, s.Files.Count));

        using var first = FitsImage.Open(Path.Combine(dir.Path, truth.Frames[0].File));
        var (masters, _) = CalibrationInputs.Build(sources, W, H, pattern, RegistrationConfig(), new ParallelOptions(), FrameConditions.From(first.Header));
        var trueBias = Read(Path.Combine(dir.Path, SampleSensorModel.TruthFolder, "master_bias.fit"));
        var trueDark = Read(Path.Combine(dir.Path, SampleSensorModel.TruthFolder, "master_dark.fit"));
        var trueGain = Read(Path.Combine(dir.Path, SampleSensorModel.TruthFolder, "flat_gain.fit"));

        // Masters: the truth within the noise a 16-frame combination leaves (read noise 3 ADU; flats 1 % per frame).
        Assert.True(Rms(masters.Bias!.Data, trueBias.Data) < 1.2, $"master bias off by {Rms(masters.Bias.Data, trueBias.Data):0.00} ADU rms");
        Assert.True(Rms(masters.Dark!.Data, trueDark.Data) < 1.5, $"master dark off by {Rms(masters.Dark.Data, trueDark.Data):0.00} ADU rms");
        Assert.True(Rms(masters.Gain!.Data, trueGain.Data) < 0.005, $"flat gain off by {Rms(masters.Gain.Data, trueGain.Data):0.0000} rms");

        // The structure that needs calibrating is real: the true masters are far from flat.
        Assert.True(RobustStats.SampledSigma(trueGain.Data, 1) > 0.03);
        Assert.True(trueDark.Data.Max() - RobustStats.SampledMedian(trueDark.Data) > 300, "hot pixels and amp glow in the true dark");

        var perfect = new CalibrationMasters(trueBias, trueDark, trueGain);
        var previous = (float[]?)null;
        foreach (var frame in truth.Frames)
        {
            var ours = Read(Path.Combine(dir.Path, frame.File));
            var ideal = new ImagePlane(W, H, (float[])ours.Data.Clone());
            masters.Apply(ours, frame.File);
            perfect.Apply(ideal, frame.File);
            if (previous is not null)
            {
                var noise = Noise(ideal.Data, previous);
                var rms = Rms(ours.Data, ideal.Data);
                Assert.True(rms <= noise / 10, $"{frame.File}: calibrated frame off the truth by {rms:0.00} ADU rms, the frame's noise is {noise:0.0}");
            }
            previous = ideal.Data;
        }
    }

    [Fact]
    public void A_lights_folder_that_mixes_frame_types_is_sorted_by_IMAGETYP_and_calibrated_with_its_own_darks()
    {
        using var dir = new TempDirectory();
        var lights = Path.Combine(dir.Path, "night");
        SampleSkyGenerator.Generate(Options(SampleSensor.Mono, frames: 8), lights);
        foreach (var file in Directory.GetFiles(Path.Combine(lights, "darks")))
            File.Move(file, Path.Combine(lights, Path.GetFileName(file)));
        Directory.Delete(Path.Combine(lights, "darks"));

        var sources = CalibrationInputs.Locate(lights, RegistrationConfig());
        Assert.Equal(CalibrationOrigin.AmongLights, sources["dark"].Origin);
        Assert.Equal(16, sources["dark"].Files.Count);
        Assert.All(sources["dark"].Files, f => Assert.StartsWith("dark_", Path.GetFileName(f)));

        var config = Path.Combine(dir.Path, "config.yaml");
        File.WriteAllText(config, "assumptions:\n  frames_min: 5\n  frames_reduced_threshold: 100\n");
        var outcome = StandardPhases.Runner().Start(new StartRequest { InputDir = lights, ConfigPath = config, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "r" });
        Assert.True(outcome.Status == "ok", outcome.Error);
        var events = EventLogReader.ReadAll(new RunPaths(outcome.RunDir).Events);
        var note = Assert.Single(events, e => e.Type == "warning" && e.String("code") == "calibration_frames_among_lights");
        Assert.StartsWith("16 dark frame(s) among the lights by IMAGETYP", note.String("message"));
        Assert.DoesNotContain(events, e => e.Type == "warning" && e.String("code") == "frame_excluded");
        var scan = JsonDocument.Parse(File.ReadAllText(Path.Combine(outcome.RunDir, "artifacts", "scan.json"))).RootElement;
        Assert.Equal(8, scan.GetProperty("frames").GetArrayLength());
        var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(outcome.RunDir, "artifacts", "calibration.json"))).RootElement;
        var dark = report.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("kind").GetString() == "dark");
        Assert.Equal(16, dark.GetProperty("frames").GetInt32());
        Assert.Equal(Path.GetFullPath(lights), dark.GetProperty("source").GetString());
    }

    // A Dwarf card's layout: Astronomy/CALI_FRAME/<kind>/cam_N with factory masters, lights in DWARF_RAW_<CAM>_… folders.
    private static string DwarfMaster(string astronomy, string kind, string camera, string name, float[] pixels, double? temperature = null)
    {
        var folder = Path.Combine(astronomy, DwarfCalibration.FolderName, kind, camera);
        Directory.CreateDirectory(folder);
        var header = new FitsHeader();
        if (temperature is { } t) header.Set("CCD-TEMP", t, "sensor temperature [C]");
        var path = Path.Combine(folder, name);
        using var stream = File.Create(path);
        FitsWriter.WriteFloat32(stream, pixels, W, H, header: header);
        return path;
    }

    private static float[] Filled(float value)
    {
        var data = new float[W * H];
        Array.Fill(data, value);
        return data;
    }

    [Fact]
    public void Dwarf_factory_masters_are_chosen_by_camera_exposure_gain_and_nearest_temperature()
    {
        using var dir = new TempDirectory();
        var astronomy = Path.Combine(dir.Path, "Astronomy");
        var tele = Path.Combine(astronomy, "DWARF_RAW_TELE_M42_EXP_15_GAIN_60_2025-01-04-21-00-00-000");
        var wide = Path.Combine(astronomy, "DWARF_RAW_WIDE_M42_EXP_15_GAIN_60_2025-01-04-21-00-00-000");
        foreach (var folder in new[] { tele, wide })
        {
            Directory.CreateDirectory(folder);
            var header = new FitsHeader();
            header.Set("EXPTIME", 15.0, "exposure [s]");
            header.Set("GAIN", 60L, "gain");
            header.Set("CCD-TEMP", 35.5, "sensor temperature [C]");
            using var stream = File.Create(Path.Combine(folder, "M42_15s60_Astro_0001.fits"));
            FitsWriter.WriteFloat32(stream, Filled(600), W, H, header: header);
        }
        DwarfMaster(astronomy, "dark", "cam_0", "dark_exp_15.000000_gain_60_bin_1_30C_stack_10.fits", Filled(520));
        var nearest = DwarfMaster(astronomy, "dark", "cam_0", "dark_exp_15.000000_gain_60_bin_1_38C_stack_10.fits", Filled(530));
        DwarfMaster(astronomy, "dark", "cam_0", "dark_exp_30.000000_gain_60_bin_1_36C_stack_10.fits", Filled(560));
        DwarfMaster(astronomy, "dark", "cam_0", "dark_exp_15.000000_gain_80_bin_1_36C_stack_10.fits", Filled(540));
        var wideDark = DwarfMaster(astronomy, "dark", "cam_1", "dark_exp_15.000000_gain_60_bin_1_36C_stack_10.fits", Filled(510));
        var bias = DwarfMaster(astronomy, "bias", "cam_0", "bias_gain_60_bin_1_stack_20.fits", Filled(500));
        var flat = DwarfMaster(astronomy, "flat", "cam_0", "flat_gain_60_bin_1_stack_20.fits", Filled(20500));

        var found = CalibrationInputs.Locate(tele, RegistrationConfig());
        Assert.Equal(nearest, found["dark"].Source);
        Assert.Equal(bias, found["bias"].Source);
        Assert.Equal(flat, found["flat"].Source);
        Assert.All(found.Values, s => Assert.Equal(CalibrationOrigin.Dwarf, s.Origin));
        Assert.Equal(wideDark, CalibrationInputs.Locate(wide, RegistrationConfig())["dark"].Source);
        Assert.False(CalibrationInputs.Locate(wide, RegistrationConfig()).ContainsKey("flat"));
        Assert.Empty(CalibrationInputs.Locate(tele, RegistrationConfig("calibration:\n  discover: false\n")));

        // The nearest dark is 2.5 °C off the lights, more than the tolerance for frames the user took, but the factory
        // set is what the telescope has: it is used, and the pixels are calibrated with it.
        using var light = FitsImage.Open(Directory.GetFiles(tele)[0]);
        var (masters, used) = CalibrationInputs.Build(found, W, H, null, RegistrationConfig(), new ParallelOptions(), FrameConditions.From(light.Header));
        Assert.Equal(530f, masters.Dark!.Data[0]);
        Assert.Contains(used, u => u.Kind == "dark" && u.Supplied && u.Source == nearest);
    }

    [Fact]
    public void A_run_over_a_Dwarf_folder_calibrates_with_the_factory_masters()
    {
        using var dir = new TempDirectory();
        var generated = Path.Combine(dir.Path, "generated");
        var truth = SampleSkyGenerator.Generate(Options(SampleSensor.Rggb, frames: 8), generated);
        var astronomy = Path.Combine(dir.Path, "Astronomy");
        var lights = Path.Combine(astronomy, "DWARF_RAW_TELE_Synthetic_EXP_10_GAIN_80_2026-01-08-22-05-41-000");
        Directory.CreateDirectory(lights);
        foreach (var frame in truth.Frames) File.Copy(Path.Combine(generated, frame.File), Path.Combine(lights, frame.File));
        var truthDir = Path.Combine(generated, SampleSensorModel.TruthFolder);
        DwarfMaster(astronomy, "dark", "cam_0", "dark_exp_10.000000_gain_80_bin_1_12C_stack_16.fits", Read(Path.Combine(truthDir, "master_dark.fit")).Data);
        // A factory flat is a flat as recorded (its offset in it): the flat-dark plus the light the optics let through.
        var darkFlat = Read(Path.Combine(truthDir, "master_darkflat.fit")).Data;
        var gain = Read(Path.Combine(truthDir, "flat_gain.fit")).Data;
        var rawFlat = new float[gain.Length];
        for (var i = 0; i < rawFlat.Length; i++) rawFlat[i] = darkFlat[i] + 15000 * gain[i];
        DwarfMaster(astronomy, "flat", "cam_0", "flat_gain_80_bin_1_stack_16.fits", rawFlat);
        DwarfMaster(astronomy, "bias", "cam_0", "bias_gain_80_bin_1_stack_16.fits", Read(Path.Combine(truthDir, "master_bias.fit")).Data);

        var config = Path.Combine(dir.Path, "config.yaml");
        File.WriteAllText(config, "assumptions:\n  frames_min: 5\n  frames_reduced_threshold: 100\n");
        var outcome = StandardPhases.Runner().Start(new StartRequest { InputDir = lights, ConfigPath = config, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "r" });
        Assert.True(outcome.Status == "ok", outcome.Error);
        var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(outcome.RunDir, "artifacts", "calibration.json"))).RootElement;
        var sources = report.GetProperty("sources").EnumerateArray()
            .ToDictionary(s => s.GetProperty("kind").GetString()!, s => s.GetProperty("source").GetString()!);
        Assert.Contains("CALI_FRAME", sources["dark"]);
        Assert.Contains("CALI_FRAME", sources["flat"]);
        Assert.Contains("CALI_FRAME", sources["bias"]);
        var events = EventLogReader.ReadAll(new RunPaths(outcome.RunDir).Events);
        Assert.Contains(events, e => e.Type == "phase_progress" && (e.String("substep") ?? "").StartsWith("dark: the Dwarf factory master", StringComparison.Ordinal));
        // The flat was applied: the gain map the run kept is the true one (without flat-darks the bias is the flat's
        // offset, a second of dark current short of it).
        var kept = Read(Path.Combine(outcome.RunDir, "artifacts", "calibration", "flat_gain.fit")).Data;
        Assert.True(Rms(kept, gain) < 0.002, $"flat gain off the truth by {Rms(kept, gain):0.0000} rms");
    }
}
