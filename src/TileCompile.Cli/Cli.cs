using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TileCompile.Engine;
using TileCompile.Engine.Config;
using TileCompile.Engine.FrontEnd;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Samples;

namespace TileCompile.Cli;

/// <summary>The <c>tile-compile</c> command line: a thin adapter over the engine.</summary>
public static class Cli
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>Builds the command tree.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand($"TileCompile {EngineInfo.Version}: resumable tile-based quality stacking of FITS light frames.");
        root.Subcommands.Add(DemoCommand());
        root.Subcommands.Add(SampleCommand());
        root.Subcommands.Add(ConfigCommand());
        root.Subcommands.Add(MasterCommands.Master());
        root.Subcommands.Add(RunCommands.Run());
        root.Subcommands.Add(RunCommands.Resume());
        root.Subcommands.Add(RunCommands.Status());
        root.Subcommands.Add(RunCommands.Verify());
        root.Subcommands.Add(RunCommands.List());
        root.Subcommands.Add(RunCommands.Events());
        return root;
    }

    internal static Option<bool> JsonOption() => new("--json") { Description = "Write machine-readable JSON to standard output." };

    private static Command DemoCommand()
    {
        var runsDir = new Option<string>("--runs-dir") { Description = "Runs root.", DefaultValueFactory = _ => "runs" };
        var samplesDir = new Option<string>("--samples-dir") { Description = "Folder for the sample frames.", DefaultValueFactory = _ => Path.Combine("samples", "demo") };
        var frames = new Option<int>("--frames") { Description = "Number of sample frames.", DefaultValueFactory = _ => 40 };
        var sensor = new Option<string>("--sensor") { Description = "mono or rggb.", DefaultValueFactory = _ => "mono" };
        sensor.AcceptOnlyFromAmong("mono", "rggb");
        var json = JsonOption();
        var command = new Command("demo", "Generate the built-in sample session and stack it end to end.") { runsDir, samplesDir, frames, sensor, json };
        command.SetAction((parse, token) => GuardAsync(parse.GetValue(json), async () =>
        {
            var samples = Path.GetFullPath(parse.GetValue(samplesDir)!);
            var options = new SampleSkyOptions
            {
                Frames = parse.GetValue(frames),
                Sensor = parse.GetValue(sensor) == "rggb" ? SampleSensor.Rggb : SampleSensor.Mono,
            };
            var watch = Stopwatch.StartNew();
            var truth = SampleSkyGenerator.Generate(options, samples, cancellationToken: token);
            if (!parse.GetValue(json))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Generated {truth.Frames.Count} {options.Sensor.ToString().ToLowerInvariant()} frames of {options.Width}x{options.Height} with {truth.Stars.Count} stars in {samples} ({watch.Elapsed.TotalSeconds:0.0} s)."));
            var runner = StandardPhases.Runner();
            var printer = new EventPrinter(parse.GetValue(json));
            runner.EventWritten += printer.Print;
            var outcome = await Task.Run(() => runner.Start(new StartRequest
            {
                InputDir = samples,
                RunsRoot = Path.GetFullPath(parse.GetValue(runsDir)!),
            }, token), CancellationToken.None);
            return printer.Finish(outcome);
        }));
        return command;
    }

    private static Command SampleCommand()
    {
        var output = new Argument<string>("output") { Description = "Folder to write the frames to." };
        var frames = new Option<int>("--frames") { DefaultValueFactory = _ => 40, Description = "Number of frames." };
        var width = new Option<int>("--width") { DefaultValueFactory = _ => 512, Description = "Frame width (px)." };
        var height = new Option<int>("--height") { DefaultValueFactory = _ => 384, Description = "Frame height (px)." };
        var sensor = new Option<string>("--sensor") { DefaultValueFactory = _ => "mono", Description = "mono, or the Bayer layout of colour frames: rggb, bggr, grbg or gbrg." };
        sensor.AcceptOnlyFromAmong("mono", "rggb", "bggr", "grbg", "gbrg");
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1, Description = "Random seed." };
        var nebulosity = new Option<double>("--nebulosity") { DefaultValueFactory = _ => 0, Description = "Peak brightness (ADU) of nebulosity over the field; 0 for none." };
        var calibration = new Option<bool>("--calibration")
        {
            Description = "Pass the frames through a sensor that needs calibration (bias structure, dark current with amp glow and hot pixels, vignetting, dust) and write bias/, darks/, flats/ and darkflats/ beside them, with the true masters in truth/.",
        };
        var streaked = new Option<int>("--streaked-frames") { DefaultValueFactory = _ => 0, Description = "Frames whose stars a tracking error draws out into 8 px streaks." };
        var json = JsonOption();
        var command = new Command("sample", "Generate synthetic light frames with ground truth (truth.json).") { output, frames, width, height, sensor, seed, nebulosity, calibration, streaked, json };
        command.SetAction(parse => Guard(parse.GetValue(json), () =>
        {
            var options = new SampleSkyOptions
            {
                Frames = parse.GetValue(frames),
                Width = parse.GetValue(width),
                Height = parse.GetValue(height),
                Sensor = parse.GetValue(sensor) == "mono" ? SampleSensor.Mono : SampleSensor.Rggb,
                CfaPattern = parse.GetValue(sensor) == "mono" ? "RGGB" : parse.GetValue(sensor)!.ToUpperInvariant(),
                Seed = parse.GetValue(seed),
                Nebulosity = parse.GetValue(nebulosity),
                Calibration = parse.GetValue(calibration),
                StreakedFrames = parse.GetValue(streaked),
            };
            var dir = Path.GetFullPath(parse.GetValue(output)!);
            var truth = SampleSkyGenerator.Generate(options, dir);
            Console.WriteLine(parse.GetValue(json)
                ? JsonSerializer.Serialize(new { output = dir, frames = truth.Frames.Count, stars = truth.Stars.Count, truth = Path.Combine(dir, SampleTruth.FileName) }, Json)
                : $"Wrote {truth.Frames.Count} frames and {SampleTruth.FileName} to {dir}.");
            return 0;
        }));
        return command;
    }

    private static Command ConfigCommand()
    {
        var config = new Command("config", "Show or check configuration files.");
        var defaults = new Command("default", "Print the default configuration (every key, documented).");
        defaults.SetAction(_ =>
        {
            Console.Out.Write(ConfigSchema.DefaultYaml());
            return 0;
        });
        var reference = new Command("reference", "Print the configuration reference as Markdown.");
        reference.SetAction(_ =>
        {
            Console.Out.Write(ConfigSchema.MarkdownReference());
            return 0;
        });
        var file = new Argument<string>("file") { Description = "Configuration file to check." };
        var json = JsonOption();
        var check = new Command("check", "Validate a configuration file; exit code 1 when it has errors.") { file, json };
        check.SetAction(parse =>
        {
            var path = Path.GetFullPath(parse.GetValue(file)!);
            try
            {
                var c = TileConfig.Load(path);
                if (parse.GetValue(json))
                    Console.WriteLine(JsonSerializer.Serialize(new { valid = true, config_hash = c.Hash, warnings = c.Warnings.Select(w => w.ToString()) }, Json));
                else
                {
                    foreach (var w in c.Warnings) Console.Error.WriteLine(w);
                    Console.WriteLine($"{path}: valid (config hash {c.Hash[..12]})");
                }
                return 0;
            }
            catch (ConfigValidationException e)
            {
                if (parse.GetValue(json))
                    Console.WriteLine(JsonSerializer.Serialize(new { error = new { id = "ConfigInvalid", message = e.Message, issues = e.Issues.Select(i => i.ToString()) } }, Json));
                else
                    Console.Error.WriteLine(e.Message);
                return 1;
            }
        });
        config.Subcommands.Add(defaults);
        config.Subcommands.Add(check);
        config.Subcommands.Add(reference);
        return config;
    }

    /// <summary>Turns engine exceptions into exit code 1 with a message (JSON error object with --json).</summary>
    internal static int Guard(bool json, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (IsUserError(e))
        {
            return Report(json, e);
        }
    }

    /// <summary>Async variant of <see cref="Guard"/>.</summary>
    internal static async Task<int> GuardAsync(bool json, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (IsUserError(e))
        {
            return Report(json, e);
        }
    }

    private static bool IsUserError(Exception e) => FrontEndErrors.Identify(e) is not null;

    private static int Report(bool json, Exception e)
    {
        var id = FrontEndErrors.Identify(e)?.Id ?? FrontEndErrors.IOError;
        if (json) Console.WriteLine(JsonSerializer.Serialize(new { error = new { id, message = e.Message } }, Json));
        else Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }
}
