using System.CommandLine;
using System.Text.Json;
using TileCompile.Engine.Calibration;
using TileCompile.Engine.Config;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;

namespace TileCompile.Cli;

/// <summary>The <c>master</c> commands: calibration masters outside a run.</summary>
internal static class MasterCommands
{
    public static Command Master()
    {
        var master = new Command("master", "Calibration masters.");
        var type = new Option<string>("--type") { Description = "bias, dark, flat or darkflat.", Required = true };
        type.AcceptOnlyFromAmong("bias", "dark", "flat", "darkflat");
        var input = new Option<string>("--input-dir") { Description = "Folder of the calibration frames.", Required = true };
        var output = new Option<string?>("--output") { Description = "Also write the master to this file (it is always kept in the master library)." };
        var runsDir = new Option<string?>("--runs-dir") { Description = "Runs root whose masters/ library holds the master (default ./runs)." };
        var method = new Option<string>("--method") { Description = "sigma_clip (default) or median.", DefaultValueFactory = _ => "sigma_clip" };
        method.AcceptOnlyFromAmong("sigma_clip", "median");
        var json = Cli.JsonOption();
        var build = new Command("build", "Combine a folder of calibration frames into a master; runs over the same frames then reuse it.")
            { type, input, output, runsDir, method, json };
        build.SetAction(parse => Cli.Guard(parse.GetValue(json), () =>
        {
            var root = Path.GetFullPath(parse.GetValue(runsDir) ?? RunCatalog.DefaultRoot(Environment.CurrentDirectory));
            var built = CalibrationInputs.BuildMaster(parse.GetValue(type)!, Path.GetFullPath(parse.GetValue(input)!), ConfigKeys.Input.Pattern.Default,
                parse.GetValue(method) == "median" ? MasterMethod.Median : MasterMethod.SigmaClip, new MasterLibrary(Path.Combine(root, "masters")),
                parse.GetValue(output), new ParallelOptions());
            Console.WriteLine(parse.GetValue(json)
                ? JsonSerializer.Serialize(new { type = "master", kind = built.Kind, path = built.Path, frames = built.Frames, key = built.Key, reused = built.Reused }, Cli.Json)
                : built.Reused
                    ? $"The master {built.Kind} of these {built.Frames} frames exists already: {built.Path}"
                    : $"Built the master {built.Kind} from {built.Frames} frames: {built.Path}");
            return 0;
        }));
        master.Subcommands.Add(build);
        return master;
    }
}
