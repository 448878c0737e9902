using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TileCompile.Engine;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Metrics;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Samples;

// End-to-end benchmark: generates a preset dataset with the sample generator, measures the I/O floor
// (reading every frame once), runs the whole pipeline with per-phase wall time, CPU time, peak working
// set and bytes read/written, times a resume from STACKING through the CLI, and writes JSON and Markdown.
var preset = Arg("--preset") ?? "smoke";
var output = Path.GetFullPath(Arg("--out") ?? Path.Combine("bench", "results"));
var dataRoot = Path.GetFullPath(Arg("--data") ?? Path.Combine("bench", "data"));
// --config F runs our pipeline with that configuration; results are then named <preset>-<config name>.
var configFile = Arg("--config") is { } given ? Path.GetFullPath(given) : null;
var label = configFile is null ? preset : $"{preset}-{Path.GetFileNameWithoutExtension(configFile)}";
var options = preset switch
{
    "smoke" => new SampleSkyOptions { Frames = 40, Width = 512, Height = 384, Seed = 1 },
    "seestar" => new SampleSkyOptions { Frames = 200, Width = 1080, Height = 1920, Sensor = SampleSensor.Rggb, Seed = 2 },
    "long" => new SampleSkyOptions { Frames = 1000, Width = 1080, Height = 1920, Sensor = SampleSensor.Rggb, Seed = 3 },
    // Bright nebulosity over the whole field with fewer stars: registration leans on image alignment.
    "nebula" => new SampleSkyOptions { Frames = 60, Width = 1080, Height = 1920, Sensor = SampleSensor.Rggb, Seed = 4, Nebulosity = 2500, StarDensity = 10 },
    // Nebulosity at five times the sky over the whole field, in colour.
    "nebula-field" => new SampleSkyOptions { Frames = 60, Width = 800, Height = 600, Sensor = SampleSensor.Rggb, Seed = 5, Nebulosity = 3000 },
    // Mono sequences with strong rotation and many hot pixels: the defect-track census.
    "mono40" => new SampleSkyOptions { Frames = 40, Width = 800, Height = 600, Seed = 6, FieldRotationDegrees = 10, HotPixels = 400 },
    "mono200" => new SampleSkyOptions { Frames = 200, Width = 800, Height = 600, Seed = 7, FieldRotationDegrees = 10, HotPixels = 400 },
    "rggb60" => new SampleSkyOptions { Frames = 60, Width = 800, Height = 600, Sensor = SampleSensor.Rggb, Seed = 8, FieldRotationDegrees = 10, HotPixels = 400 },
    // Real frames from ../shared (never copied: the preset folder holds links to them).
    "real-night1" or "real-nights" => null,
    _ => throw new ArgumentException($"unknown preset '{preset}'; use smoke, seestar, long, nebula, nebula-field, mono40, mono200, rggb60, real-night1 or real-nights"),
};
string[] realNights = preset == "real-nights" ? new[] { "night1", "night2" } : new[] { "night1" };

if (Arg("--only") == "compare")
{
    // Measures the given stacks side by side: --only compare label=path label=path ...
    var pairs = args.SkipWhile(a => a != "compare").Skip(1).Where(a => a.Contains('=')).Select(a => (a[..a.IndexOf('=')], a[(a.IndexOf('=') + 1)..])).ToList();
    foreach (var m in QualityCompare.Measure(pairs))
        Console.WriteLine(QualityTable.Row(m) + string.Create(CultureInfo.InvariantCulture, $" aperture SNR {m.Figures.ApertureSnr:0.000}, noise {m.Figures.ApertureNoise:G4} over {m.Figures.EmptyApertures} empty apertures"));
    return 0;
}

if (Arg("--only") == "spread")
{
    // Background flatness of the given stacks (what calibration with flats must bring down): --only spread label=path ...
    foreach (var (name, file) in args.SkipWhile(a => a != "spread").Skip(1).Where(a => a.Contains('=')).Select(a => (a[..a.IndexOf('=')], a[(a.IndexOf('=') + 1)..])))
    {
        using var fits = FitsImage.Open(file);
        var planes = Enumerable.Range(0, fits.Planes).Select(p => fits.ReadPlane(p)).ToList();
        var lum = new float[fits.Width * fits.Height];
        foreach (var plane in planes) for (var i = 0; i < lum.Length; i++) lum[i] += plane[i] / planes.Count;
        var spread = StackQuality.BackgroundSpread(new TileCompile.Engine.Imaging.ImagePlane(fits.Width, fits.Height, lum));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {100 * spread:0.00} % |"));
    }
    return 0;
}

if (Arg("--only") == "import-module")
{
    var seconds = ImportModuleSeconds(Path.Combine(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..")), "TileCompile.psd1"));
    Console.WriteLine(seconds is { } s0 ? $"Import-Module: {s0:0.000} s" : "Import-Module failed");
    return seconds is null ? 1 : 0;
}

if (Arg("--only") == "profile-registration")
{
    // Times the steps of registering one frame, single-threaded, over the first frames of the preset's data.
    var files = InputScanner.FindFrames(Path.Combine(dataRoot, preset), "*.fit").Take(12).ToList();
    var pattern = options?.Sensor == SampleSensor.Rggb ? TileCompile.Engine.Imaging.BayerPattern.Rggb : (TileCompile.Engine.Imaging.BayerPattern?)null;
    var steps = new Dictionary<string, double>();
    void Time(string name, Action action)
    {
        var c = Stopwatch.StartNew();
        action();
        steps[name] = steps.GetValueOrDefault(name) + c.Elapsed.TotalMilliseconds;
    }
    TileCompile.Engine.Registration.FrameStars? reference = null;
    foreach (var file in files)
    {
        TileCompile.Engine.Imaging.ImagePlane raw = null!;
        Time("read", () => { using var img = FitsImage.Open(file); raw = new TileCompile.Engine.Imaging.ImagePlane(img.Width, img.Height, img.ReadPlane()); });
        TileCompile.Engine.Registration.FrameStars stars = null!;
        Time("stars", () => stars = TileCompile.Engine.Registration.FrameRegistrar.Stars(raw, pattern, 5, 65000));
        reference ??= stars;
        {
            var clean = new TileCompile.Engine.Imaging.ImagePlane(raw.Width, raw.Height, (float[])raw.Data.Clone());
            Time("  hotpix", () => TileCompile.Engine.Registration.HotPixelFilter.Clean(clean, mosaic: pattern is not null));
            var proxy = pattern is null ? clean : clean.Superpixel();
            TileCompile.Engine.Imaging.BackgroundModel bg = null!;
            Time("  bg24", () => bg = TileCompile.Engine.Imaging.BackgroundModel.Estimate(proxy, 24));
            Time("  detect", () => TileCompile.Engine.Registration.StarDetector.Detect(proxy, new TileCompile.Engine.Registration.StarDetectionOptions { Sigma = 5, MaxStars = 400 }, bg));
            if (pattern is { } pat)
            {
                TileCompile.Engine.Imaging.ImagePlane green = null!;
                Time("  green", () => green = TileCompile.Engine.Registration.FrameRegistrar.GreenPlane(clean, pat));
                Time("  bg48", () => TileCompile.Engine.Imaging.BackgroundModel.Estimate(green, 48));
            }
            Time("  pc-prep", () => TileCompile.Engine.Registration.PhaseCorrelation.Prepare(proxy));
            Time("  bandpass", () => TileCompile.Engine.Imaging.BandPassFilter.Apply(clean, 1, 4));
        }
        TileCompile.Engine.Registration.RegistrationOutcome registered = null!;
        Time("match+fit", () => registered = TileCompile.Engine.Registration.FrameRegistrar.Register(reference, stars, pattern is not null, new TileCompile.Engine.Registration.MatchOptions(), 6, 1.5));
        if (registered.ImageAligned) steps["(aligned)"] = steps.GetValueOrDefault("(aligned)") + files.Count;
        // What image alignment costs on a frame that needs it (nebulous fields); star fields skip it.
        if (!ReferenceEquals(stars, reference))
            Time("  align", () => TileCompile.Engine.Registration.ImageAlignment.Refine(reference.Alignment!, stars.Alignment!, registered.Transform));
        TileCompile.Engine.Imaging.ImagePlane warped = null!;
        Time("warp", () => warped = TileCompile.Engine.Registration.FrameWarper.Warp(raw, registered.Transform, TileCompile.Engine.Registration.Interpolation.Lanczos3, pattern is not null));
        Time("write", () => { using var ms = new MemoryStream(); FitsWriter.WriteFloat32(ms, warped.Data, warped.Width, warped.Height); });
    }
    foreach (var (name, ms) in steps) Console.WriteLine($"{name,-10} {ms / files.Count,8:0.0} ms/frame");
    return 0;
}

var data = Path.Combine(dataRoot, preset);
var truthPath = Path.Combine(data, SampleTruth.FileName);
if (options is null)
{
    // Real frames: a folder of links to ../shared/data/real (the frames themselves stay where they are).
    var shared = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "..", "shared", "data", "real", "seestar-s50-m94"));
    if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
    Directory.CreateDirectory(data);
    foreach (var night in realNights)
        foreach (var file in Directory.EnumerateFiles(Path.Combine(shared, night), "*.fit"))
            File.CreateSymbolicLink(Path.Combine(data, Path.GetFileName(file)), file);
}
else if (!File.Exists(truthPath) || SampleTruth.Load(truthPath).Options != options)
{
    Console.WriteLine($"generating {options.Frames} frames of {options.Width}x{options.Height} {options.Sensor} in {data} ...");
    var g = Stopwatch.StartNew();
    SampleSkyGenerator.Generate(options, data);
    Console.WriteLine($"  {g.Elapsed.TotalSeconds:0.0} s");
}
var inputs = InputScanner.FindFrames(data, "*.fit");
var inputBytes = inputs.Sum(f => new FileInfo(f).Length);
var frameCount = inputs.Count;
int width, height;
bool colour;
using (var first = FitsImage.Open(inputs[0])) (width, height, colour) = (first.Width, first.Height, first.Header.Cards.Any(c => c.Keyword == "BAYERPAT"));

// I/O floor: every frame read and decoded once.
var floor = Stopwatch.StartNew();
Parallel.ForEach(inputs, f =>
{
    using var image = FitsImage.Open(f);
    image.ReadPlane();
});
floor.Stop();

var runsRoot = Path.Combine(output, "runs-" + label);
if (Directory.Exists(runsRoot)) Directory.Delete(runsRoot, recursive: true);
using var self = Process.GetCurrentProcess();
var phases = new Dictionary<int, PhaseSample>();
var sampler = new Sampler(self);
var runner = StandardPhases.Runner();
runner.EventWritten += e =>
{
    if (e.Type == "phase_start" && e.Phase is { } p) lock (phases) phases[p] = sampler.Begin(p, e.PhaseName!);
    if (e.Type == "phase_end" && e.Phase is { } q) lock (phases) if (phases.TryGetValue(q, out var s)) sampler.End(s, e.Status ?? "");
};
var wall = Stopwatch.StartNew();
var cpuStart = self.TotalProcessorTime;
var outcome = runner.Start(new StartRequest { InputDir = data, RunsRoot = runsRoot, RunId = "bench", ConfigPath = configFile });
wall.Stop();
var cpu = (self.TotalProcessorTime - cpuStart).TotalSeconds;
sampler.Dispose();
self.Refresh();
if (outcome.Status != "ok") throw new InvalidOperationException($"benchmark run failed: {outcome.Error}");

// Resume from STACKING as a user would: a new process, including its start-up.
var cli = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "TileCompile.Cli", "bin",
    new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/', '\\')).Parent!.Name, "net8.0", "TileCompile.Cli.dll");
double? resumeSeconds = null;
if (File.Exists(cli))
{
    var resume = Stopwatch.StartNew();
    using var p = Process.Start(new ProcessStartInfo("dotnet", $"\"{Path.GetFullPath(cli)}\" resume --run-dir \"{outcome.RunDir}\" --from-phase STACKING --json")
    {
        RedirectStandardOutput = true,
        UseShellExecute = false,
    })!;
    p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    resume.Stop();
    resumeSeconds = p.ExitCode == 0 ? resume.Elapsed.TotalSeconds : null;
}

// Import-Module as a user's session does it: the runspace is open, the module is not loaded yet.
var repoRoot = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
var importSeconds = ImportModuleSeconds(Path.Combine(repoRoot, "TileCompile.psd1"));

// Siril's classic register-and-stack on the same frames, when Siril is installed.
// --no-siril skips it (the long preset's debayered copies alone would need about 24 GB).
var sirilSeconds = args.Contains("--no-siril") ? null : SirilSeconds(data, colour, Path.Combine(output, "siril-" + preset), synthetic: options is not null);

// Listing 1,000 runs: copies of the benchmark run's run.json under fresh ids, listed with a status filter.
var catalogRoot = Path.Combine(output, "catalog-" + preset);
if (Directory.Exists(catalogRoot)) Directory.Delete(catalogRoot, recursive: true);
var runJson = File.ReadAllText(Path.Combine(outcome.RunDir, "run.json"));
for (var i = 0; i < 1000; i++)
{
    var id = $"20260101_000000_{i:x8}";
    Directory.CreateDirectory(Path.Combine(catalogRoot, id));
    File.WriteAllText(Path.Combine(catalogRoot, id, "run.json"), runJson.Replace("\"bench\"", $"\"{id}\""));
}
var listing = Stopwatch.StartNew();
var listed = RunCatalog.List(catalogRoot, new RunQuery { Status = new[] { RunStatusKind.Completed } }).Count;
listing.Stop();
Directory.Delete(catalogRoot, recursive: true);
if (listed != 1000) throw new InvalidOperationException($"listed {listed} of 1000 runs");

// Quality side by side: Siril's stack, ours and the classic clipped mean of our registered frames, measured the same way.
var stacks = new List<(string, string)>();
if (sirilSeconds?.Result is { } sirilResult) stacks.Add(("Siril 1.0.6 (winsorized 3/3, addscale)", sirilResult));
stacks.Add(("TileCompile (defaults)", Path.Combine(outcome.RunDir, "outputs", "stacked.fit")));
stacks.Add(("classic clipped mean (same registered frames)", Path.Combine(outcome.RunDir, "artifacts", "classic_stack.fit")));
// For generated colour frames, star colours against the truth: bright isolated stars at their place in our stack.
List<ColourStar>? colourTruth = null;
DefectTruth? defectTruth = null;
if (options is not null)
{
    // Our stack is the reference frame's grid, less a crop.
    var truth = SampleTruth.Load(truthPath);
    var referenceName = JsonDocument.Parse(File.ReadAllText(Path.Combine(outcome.RunDir, "artifacts", "registration.json"))).RootElement.GetProperty("reference").GetString();
    var reference = truth.Frames.Single(f => f.File == referenceName);
    double cropX, cropY;
    using (var ours = FitsImage.Open(Path.Combine(outcome.RunDir, "outputs", "stacked.fit")))
        (cropX, cropY) = (ours.Header.GetDouble("TC-CROPX") ?? 0, ours.Header.GetDouble("TC-CROPY") ?? 0);
    defectTruth = new DefectTruth(truth.HotPixelTracks(reference.Index, cropX, cropY), truth.CensusGuards(reference.Index, cropX, cropY));
    if (options.Sensor == SampleSensor.Rggb)
    {
        var placed = truth.Stars.Select(t => (Star: t, Pos: reference.SkyToFrame(t.X, t.Y))).ToList();
        colourTruth = placed
            .Where(p => p.Star.Flux is > 3000 and < 60000 && p.Pos.X > 25 && p.Pos.Y > 25 && p.Pos.X < options.Width - 26 && p.Pos.Y < options.Height - 26)
            .Where(p => !placed.Any(o => !ReferenceEquals(o.Star, p.Star) && o.Star.Flux > 0.1 * p.Star.Flux && Math.Pow(o.Pos.X - p.Pos.X, 2) + Math.Pow(o.Pos.Y - p.Pos.Y, 2) < 100))
            .Select(p => new ColourStar(p.Pos.X, p.Pos.Y, p.Star.Red / p.Star.Green, p.Star.Blue / p.Star.Green)).ToList();
    }
}
var quality = QualityCompare.Measure(stacks, colourTruth, truthStack: stacks.FindIndex(s => s.Item1 == "TileCompile (defaults)"), defects: defectTruth);

var megapixels = (double)frameCount * width * height / 1e6;
if (options is null)
{
    var realMd = new StringBuilder();
    realMd.AppendLine(CultureInfo.InvariantCulture, $"### {label}: {frameCount} frames {width}x{height} (commit {Git("rev-parse --short HEAD")}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
    realMd.AppendLine();
    realMd.AppendLine(QualityTable.Header);
    foreach (var m in quality) realMd.AppendLine(QualityTable.Row(m));
    realMd.AppendLine();
    realMd.AppendLine(CultureInfo.InvariantCulture, $"Wall time: ours {wall.Elapsed.TotalSeconds:0.0} s, Siril {(sirilSeconds is { } rs ? rs.Seconds.ToString("0.0", CultureInfo.InvariantCulture) + $" s ({rs.Stacked} frames stacked)" : "not run")}. " +
        $"Stacked pixels SHA-256: {PixelDigest(outcome.Output!)}.");
    Directory.CreateDirectory(output);
    File.WriteAllText(Path.Combine(output, label + ".md"), realMd.ToString());
    Console.WriteLine(realMd.ToString());
    return 0;
}

// Registration against the generator's truth: RMS over a grid across the frame of |true − recovered| position.
var truthRecord = SampleTruth.Load(truthPath);
var registration = JsonDocument.Parse(File.ReadAllText(Path.Combine(outcome.RunDir, "artifacts", "registration.json"))).RootElement;
var referenceIndex = truthRecord.Frames.Single(f => f.File == registration.GetProperty("reference").GetString()).Index;
var registrationErrors = new List<double>();
var imageAligned = 0;
foreach (var frame in registration.GetProperty("frames").EnumerateArray())
{
    if (frame.GetProperty("status").GetString() != "ok") continue;
    var recovered = TileCompile.Engine.Registration.AffineTransform.FromArray(frame.GetProperty("matrix").EnumerateArray().Select(v => v.GetDouble()).ToArray());
    var t = truthRecord.ReferenceToFrame(referenceIndex, truthRecord.Frames.Single(f => f.File == frame.GetProperty("frame").GetString()).Index);
    registrationErrors.Add(recovered.RmsDistance(TileCompile.Engine.Registration.AffineTransform.FromArray(t), options.Width, options.Height));
    if (frame.TryGetProperty("image_aligned", out var aligned) && aligned.ValueKind == JsonValueKind.True) imageAligned++;
}

var validation = JsonDocument.Parse(File.ReadAllText(Path.Combine(outcome.RunDir, "artifacts", "validation.json"))).RootElement;
// Validation writes NaN as a string where a figure could not be measured.
static double Number(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetDouble()
    : double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
var result = new
{
    preset,
    engine_version = EngineInfo.Version,
    commit = Git("rev-parse --short HEAD"),
    machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
    date = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
    frames = options.Frames,
    width = options.Width,
    height = options.Height,
    sensor = options.Sensor.ToString(),
    input_bytes = inputBytes,
    io_floor_s = floor.Elapsed.TotalSeconds,
    wall_s = wall.Elapsed.TotalSeconds,
    cpu_s = cpu,
    frames_per_s = options.Frames / wall.Elapsed.TotalSeconds,
    megapixels_per_s = megapixels / wall.Elapsed.TotalSeconds,
    peak_working_set_mib = self.PeakWorkingSet64 / 1048576.0,
    resume_from_stacking_s = resumeSeconds,
    list_1000_runs_s = listing.Elapsed.TotalSeconds,
    import_module_s = importSeconds,
    siril_s = sirilSeconds?.Seconds,
    siril_frames_stacked = sirilSeconds?.Stacked,
    registered_frames = registrationErrors.Count,
    registration_error_mean_px = registrationErrors.Average(),
    registration_error_max_px = registrationErrors.Max(),
    image_aligned_frames = imageAligned,
    fwhm_improvement_vs_classic_percent = Number(validation.GetProperty("fwhm_improvement_percent")),
    aperture_snr_ratio_vs_classic = Number(validation.GetProperty("aperture_snr_ratio")),
    background_noise_ratio = Number(validation.GetProperty("background_noise_ratio")),
    phases = phases.Values.OrderBy(p => p.Phase).Select(p => new
    {
        phase = p.Phase,
        name = p.Name,
        status = p.Status,
        wall_s = p.Wall,
        cpu_s = p.Cpu,
        peak_working_set_mib = p.PeakBytes / 1048576.0,
        read_mib = p.ReadBytes / 1048576.0,
        written_mib = p.WrittenBytes / 1048576.0,
    }).ToList(),
};
Directory.CreateDirectory(output);
var stem = Path.Combine(output, label);
File.WriteAllText(stem + ".json", JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
var md = new StringBuilder();
md.AppendLine(CultureInfo.InvariantCulture, $"### {label}: {options.Frames} frames {options.Width}x{options.Height} {options.Sensor} (commit {result.commit}, {result.date} UTC, {result.machine})");
md.AppendLine();
md.AppendLine("| Phase | Status | Wall (s) | CPU (s) | Peak WS (MiB) | Read (MiB) | Written (MiB) |");
md.AppendLine("|---|---|---:|---:|---:|---:|---:|");
foreach (var p in result.phases)
    md.AppendLine(CultureInfo.InvariantCulture, $"| {p.phase} {p.name} | {p.status} | {p.wall_s:0.00} | {p.cpu_s:0.00} | {p.peak_working_set_mib:0} | {p.read_mib:0} | {p.written_mib:0} |");
md.AppendLine(CultureInfo.InvariantCulture, $"| **total** | | **{result.wall_s:0.00}** | {result.cpu_s:0.00} | {result.peak_working_set_mib:0} | | |");
md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"I/O floor (read every frame once): {result.io_floor_s:0.00} s · {result.frames_per_s:0.0} frames/s · {result.megapixels_per_s:0.0} MP/s · " +
    $"resume from STACKING incl. process start: {(resumeSeconds is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) + " s" : "n/a")} · " +
    $"listing 1,000 runs: {result.list_1000_runs_s:0.000} s · " +
    $"Import-Module: {(importSeconds is { } im ? im.ToString("0.00", CultureInfo.InvariantCulture) + " s" : "n/a")} · " +
    $"Siril convert+register+stack: {(sirilSeconds is { } si ? $"{si.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s ({si.Stacked} of {options.Frames} frames stacked)" : "not run")} · " +
    $"FWHM vs classic clipped mean: {result.fwhm_improvement_vs_classic_percent:+0.0;-0.0;0.0} % · aperture SNR ratio {result.aperture_snr_ratio_vs_classic:0.000} · noise ratio {result.background_noise_ratio:0.00} · " +
    $"registration vs truth: mean {result.registration_error_mean_px:0.000} px, max {result.registration_error_max_px:0.000} px over {result.registered_frames} frames ({result.image_aligned_frames} image-aligned) · " +
    $"stacked pixels SHA-256: {PixelDigest(outcome.Output!)}");
md.AppendLine();
md.AppendLine(QualityTable.Header);
foreach (var m in quality) md.AppendLine(QualityTable.Row(m));
File.WriteAllText(stem + ".md", md.ToString());
Console.WriteLine(md.ToString());
return 0;

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static double? ImportModuleSeconds(string manifest)
{
    if (!File.Exists(manifest)) return null;
    using var runspace = System.Management.Automation.Runspaces.RunspaceFactory.CreateRunspace(
        System.Management.Automation.Runspaces.InitialSessionState.CreateDefault2());
    runspace.Open();
    using var ps = System.Management.Automation.PowerShell.Create();
    ps.Runspace = runspace;
    ps.AddScript("$x = 1").Invoke();
    ps.Commands.Clear();
    var clock = Stopwatch.StartNew();
    try
    {
        ps.AddScript($"Import-Module '{manifest.Replace("'", "''")}' -ErrorAction Stop").Invoke();
    }
    catch (System.Management.Automation.RuntimeException e)
    {
        Console.Error.WriteLine($"Import-Module failed: {e.Message}");
        return null;
    }
    clock.Stop();
    foreach (var error in ps.Streams.Error) Console.Error.WriteLine($"Import-Module: {error}");
    return ps.HadErrors ? null : clock.Elapsed.TotalSeconds;
}

// Siril (siril-cli) with a script of the classic workflow: convert, register (global star alignment), sigma-clipped stack.
static (double Seconds, int Stacked, string Result)? SirilSeconds(string data, bool cfa, string work, bool synthetic)
{
    var cli = new[] { "/usr/bin/siril-cli", "/usr/local/bin/siril-cli" }.FirstOrDefault(File.Exists);
    if (cli is null) return null;
    if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
    Directory.CreateDirectory(work);
    var script = Path.Combine(work, "stack.ssf");
    var mono = !cfa && synthetic;
    File.WriteAllText(script, string.Join("\n",
        "requires 1.0.0",
        $"cd \"{data}\"",
        // -debayer must come before -out, and -out takes the path unquoted (the quotes would become part of it).
        "convert light" + (cfa ? " -debayer" : "") + $" -out={work}",
        $"cd \"{work}\"",
        // Siril's defaults find only a few of the generator's stars; a lower threshold lets it register more frames.
        synthetic ? "setfindstar 0.3 0.3" : "",
        // Mono frames with hundreds of hot pixels: without its cosmetic correction Siril registers 4 of 40 (it takes
        // the hot pixels for stars); with it, 39.
        mono ? "seqfind_cosme light 3 3" : "",
        $"register {(mono ? "cc_light" : "light")}",
        $"stack {(mono ? "r_cc_light" : "r_light")} rej 3 3 -norm=addscale -output_norm -out=result",
        ""));
    var clock = Stopwatch.StartNew();
    using var p = Process.Start(new ProcessStartInfo(cli, $"-s \"{script}\"") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
    var log = p.StandardOutput.ReadToEndAsync();
    var err = p.StandardError.ReadToEndAsync();
    p.WaitForExit();
    clock.Stop();
    File.WriteAllText(Path.Combine(work, "siril.log"), log.Result + err.Result);
    var ok = p.ExitCode == 0 && Directory.EnumerateFiles(work, "result*").Any();
    var seconds = clock.Elapsed.TotalSeconds;
    var stacked = System.Text.RegularExpressions.Regex.Match(log.Result, @"(\d+) images have been stacked");
    File.Copy(Path.Combine(work, "siril.log"), work + ".log", overwrite: true);
    var result = work + ".fit";
    if (ok) File.Copy(Directory.EnumerateFiles(work, "result*").First(), result, overwrite: true);
    Directory.Delete(work, recursive: true);
    return ok ? (seconds, stacked.Success ? int.Parse(stacked.Groups[1].Value, CultureInfo.InvariantCulture) : 0, result) : null;
}

static string Git(string arguments)
{
    try
    {
        using var p = Process.Start(new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return p.ExitCode == 0 ? text : "unknown";
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return "unknown";
    }
}

// The stacked image's pixels (every plane, as stored), hashed: the header carries the run's id and time, the pixels
// nothing but the method. Equal digests before and after a refactor show it left the output bit for bit as it was.
static string PixelDigest(string path)
{
    using var image = FitsImage.Open(path);
    using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
    for (var plane = 0; plane < image.Planes; plane++)
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(image.ReadPlane(plane).AsSpan()));
    return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant()[..16];
}


sealed class PhaseSample
{
    public int Phase;
    public string Name = "";
    public string Status = "";
    public Stopwatch Clock = new();
    public TimeSpan CpuStart;
    public double Wall;
    public double Cpu;
    public long PeakBytes;
    public long ReadStart, WrittenStart, ReadBytes, WrittenBytes;
}

/// <summary>Samples the working set every 50 ms and attributes it to the running phase.</summary>
sealed class Sampler : IDisposable
{
    private readonly Process _process;
    private readonly Timer _timer;
    private PhaseSample? _current;

    public Sampler(Process process)
    {
        _process = process;
        _timer = new Timer(_ =>
        {
            var c = _current;
            if (c is null) return;
            _process.Refresh();
            c.PeakBytes = Math.Max(c.PeakBytes, _process.WorkingSet64);
        }, null, 0, 50);
    }

    public PhaseSample Begin(int phase, string name)
    {
        _process.Refresh();
        var (read, written) = Io();
        var s = new PhaseSample { Phase = phase, Name = name, CpuStart = _process.TotalProcessorTime, PeakBytes = _process.WorkingSet64, ReadStart = read, WrittenStart = written };
        s.Clock.Start();
        _current = s;
        return s;
    }

    public void End(PhaseSample s, string status)
    {
        s.Clock.Stop();
        _process.Refresh();
        var (read, written) = Io();
        s.Status = status;
        s.Wall = s.Clock.Elapsed.TotalSeconds;
        s.Cpu = (_process.TotalProcessorTime - s.CpuStart).TotalSeconds;
        s.PeakBytes = Math.Max(s.PeakBytes, _process.WorkingSet64);
        s.ReadBytes = read - s.ReadStart;
        s.WrittenBytes = written - s.WrittenStart;
        _current = null;
    }

    // Bytes this process asked the OS to read and write (Linux /proc; zero elsewhere).
    private static (long Read, long Written) Io()
    {
        const string path = "/proc/self/io";
        if (!File.Exists(path)) return (0, 0);
        long r = 0, w = 0;
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.StartsWith("rchar:", StringComparison.Ordinal)) r = long.Parse(line[6..].Trim(), CultureInfo.InvariantCulture);
            if (line.StartsWith("wchar:", StringComparison.Ordinal)) w = long.Parse(line[6..].Trim(), CultureInfo.InvariantCulture);
        }
        return (r, w);
    }

    public void Dispose() => _timer.Dispose();
}
