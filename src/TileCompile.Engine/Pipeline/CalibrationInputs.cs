using TileCompile.Engine.Calibration;
using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using Keys = TileCompile.Engine.Config.ConfigKeys.Calibration;

namespace TileCompile.Engine.Pipeline;

/// <summary>One kind of calibration frames as found: where, how many, and whether it was a ready master.</summary>
/// <param name="Kind">bias, dark, flat or darkflat.</param>
/// <param name="Source">The folder or master file used.</param>
/// <param name="Frames">Frames combined (1 for a supplied master).</param>
/// <param name="Supplied">True when the source was a master file.</param>
public sealed record CalibrationSource(string Kind, string Source, int Frames, bool Supplied);

/// <summary>
/// Finds the calibration frames a run names or keeps beside its lights, reads them and builds the masters. The
/// lights' folder and the configuration decide; nothing outside the run directory is written.
/// </summary>
public static class CalibrationInputs
{
    private static readonly Dictionary<string, string[]> Names = new()
    {
        ["bias"] = new[] { "bias", "offset", "biases", "offsets" },
        ["dark"] = new[] { "darks", "dark" },
        ["flat"] = new[] { "flats", "flat" },
        ["darkflat"] = new[] { "darkflats", "flatdarks", "darkflat", "flatdark", "dark_flats", "flat_darks" },
    };

    /// <summary>Largest total of calibration pixels read for one master (frames × pixels), 1.5 G pixels.</summary>
    public const long MaxPixels = 1_500_000_000L;

    /// <summary>The sources configured or found for the lights in <paramref name="lightsDir"/>; kinds with none are left out.</summary>
    public static Dictionary<string, string> Locate(string lightsDir, ConfigView config)
    {
        var configured = new Dictionary<string, string>
        {
            ["bias"] = config.Get(Keys.Bias), ["dark"] = config.Get(Keys.Darks), ["flat"] = config.Get(Keys.Flats), ["darkflat"] = config.Get(Keys.DarkFlats),
        };
        var key = new Dictionary<string, string> { ["bias"] = "calibration.bias", ["dark"] = "calibration.darks", ["flat"] = "calibration.flats", ["darkflat"] = "calibration.darkflats" };
        var found = new Dictionary<string, string>();
        foreach (var (kind, value) in configured)
        {
            if (value.Length > 0)
            {
                var path = Path.GetFullPath(Path.Combine(lightsDir, value));
                if (!File.Exists(path) && !Directory.Exists(path))
                    throw new InvalidDataException($"{key[kind]}: '{value}' ({path}) is neither a folder of calibration frames nor a master FITS file");
                found[kind] = path;
            }
            else if (config.Get(Keys.Discover) && Discover(lightsDir, Names[kind]) is { } dir)
            {
                found[kind] = dir;
            }
        }
        return found;
    }

    private static string? Discover(string lightsDir, string[] names)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(lightsDir).TrimEnd(Path.DirectorySeparatorChar));
        foreach (var root in new[] { lightsDir, parent })
        {
            if (root is null || !Directory.Exists(root)) continue;
            foreach (var dir in Directory.EnumerateDirectories(root).OrderBy(d => d, StringComparer.Ordinal))
                if (names.Contains(Path.GetFileName(dir), StringComparer.OrdinalIgnoreCase)
                    && !string.Equals(Path.GetFullPath(dir), Path.GetFullPath(lightsDir), StringComparison.Ordinal))
                    return dir;
        }
        return null;
    }

    /// <summary>
    /// Reads every source and builds the masters for lights of <paramref name="width"/>×<paramref name="height"/>;
    /// throws naming the file when one does not fit.
    /// </summary>
    public static (CalibrationMasters Masters, List<CalibrationSource> Sources) Build(IReadOnlyDictionary<string, string> sources, int width, int height,
        BayerPattern? pattern, ConfigView config, ParallelOptions parallel)
    {
        var method = config.Get(Keys.Combine) == "median" ? MasterMethod.Median : MasterMethod.SigmaClip;
        var used = new List<CalibrationSource>();
        ImagePlane? Master(string kind)
        {
            if (!sources.TryGetValue(kind, out var path)) return null;
            var files = File.Exists(path) ? new[] { path } : InputScanner.FindFrames(path, config.Get(ConfigKeys.Input.Pattern)).ToArray();
            if (files.Length == 0) throw new InvalidDataException($"the {kind} folder {path} holds no FITS frames");
            if ((long)files.Length * width * height > MaxPixels)
                throw new InvalidDataException($"the {kind} folder {path} holds {files.Length} frames of {width}x{height}: more than {MaxPixels / 1_000_000_000.0:0.#} G pixels to combine; build a master of fewer frames");
            var planes = new ImagePlane[files.Length];
            Parallel.For(0, files.Length, parallel, i =>
            {
                using var fits = FitsImage.Open(files[i]);
                if (fits.Width != width || fits.Height != height)
                    throw new InvalidDataException($"{kind} frame {files[i]} is {fits.Width}x{fits.Height}, the lights are {width}x{height}");
                if (fits.Planes != 1) throw new InvalidDataException($"{kind} frame {files[i]} has {fits.Planes} planes; calibration frames are raw single-plane frames");
                planes[i] = new ImagePlane(fits.Width, fits.Height, fits.ReadPlane());
            });
            used.Add(new CalibrationSource(kind, path, files.Length, File.Exists(path)));
            return planes.Length == 1 ? planes[0] : MasterCombiner.Combine(planes, method, parallel);
        }
        var bias = Master("bias");
        var dark = Master("dark");
        var flat = Master("flat");
        var darkFlat = Master("darkflat");
        var gain = flat is null ? null : CalibrationMasters.GainMap(flat, darkFlat, bias, pattern, $"flats {sources["flat"]}");
        // Without a bias or dark for the lights, their offset would stay in them and the flat would divide it too
        // (the vignetting comes back inverted). Flat-darks are short darks: as good a bias as there is.
        if (bias is null && dark is null && darkFlat is not null)
        {
            bias = darkFlat;
            used.Add(new CalibrationSource("darkflat_as_bias", sources["darkflat"], used.Single(u => u.Kind == "darkflat").Frames, false));
        }
        return (new CalibrationMasters(bias, dark, gain), used);
    }
}
