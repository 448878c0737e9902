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
/// <param name="Library">The master's file in the master library, when it was stored there or taken from it.</param>
/// <param name="Reused">True when the master came from the library instead of being built.</param>
public sealed record CalibrationSource(string Kind, string Source, int Frames, bool Supplied, string? Library = null, bool Reused = false);

/// <summary>Where a kind of calibration frames was found.</summary>
public enum CalibrationOrigin
{
    /// <summary>A configured or discovered folder, or a master file.</summary>
    Path,
    /// <summary>A Dwarf smart telescope's factory master in its <c>CALI_FRAME</c> folder.</summary>
    Dwarf,
    /// <summary>Frames in the lights folder whose IMAGETYP names the kind.</summary>
    AmongLights,
}

/// <summary>The frames of one kind a run would calibrate with.</summary>
/// <param name="Source">The folder or master file they come from.</param>
/// <param name="Files">The FITS files, in natural order.</param>
/// <param name="Origin">How they were found.</param>
public sealed record CalibrationSet(string Source, IReadOnlyList<string> Files, CalibrationOrigin Origin = CalibrationOrigin.Path)
{
    /// <summary>True when the source is one master file rather than a folder of frames.</summary>
    public bool IsMasterFile => Origin == CalibrationOrigin.Dwarf || (Origin == CalibrationOrigin.Path && File.Exists(Source));

    /// <summary>The set at <paramref name="path"/>: that master file, or the matching files of that folder.</summary>
    public static CalibrationSet Of(string path, string patterns) =>
        new(path, File.Exists(path) ? new[] { path } : InputScanner.FindFiles(path, patterns));
}

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

    /// <summary>
    /// The sources configured or found for the lights in <paramref name="lightsDir"/>; kinds with none are left out.
    /// In order: the configured path; with <c>calibration.discover</c>, a folder named for the kind beside or inside the
    /// lights folder, a Dwarf <c>CALI_FRAME</c> master that fits the lights, and frames of the kind among the lights
    /// themselves (by IMAGETYP).
    /// </summary>
    public static Dictionary<string, CalibrationSet> Locate(string lightsDir, ConfigView config)
    {
        var configured = new Dictionary<string, string>
        {
            ["bias"] = config.Get(Keys.Bias), ["dark"] = config.Get(Keys.Darks), ["flat"] = config.Get(Keys.Flats), ["darkflat"] = config.Get(Keys.DarkFlats),
        };
        var key = new Dictionary<string, string> { ["bias"] = "calibration.bias", ["dark"] = "calibration.darks", ["flat"] = "calibration.flats", ["darkflat"] = "calibration.darkflats" };
        var patterns = config.Get(ConfigKeys.Input.Pattern);
        var found = new Dictionary<string, CalibrationSet>();
        Dictionary<string, List<string>>? amongLights = null;
        FrameConditions? lights = null;
        var lightsKnown = false;
        foreach (var (kind, value) in configured)
        {
            if (value.Length > 0)
            {
                var path = Path.GetFullPath(Path.Combine(lightsDir, value));
                if (!File.Exists(path) && !Directory.Exists(path))
                    throw new InvalidDataException($"{key[kind]}: '{value}' ({path}) is neither a folder of calibration frames nor a master FITS file");
                found[kind] = CalibrationSet.Of(path, patterns);
                continue;
            }
            if (!config.Get(Keys.Discover)) continue;
            if (Discover(lightsDir, Names[kind]) is { } dir)
            {
                found[kind] = CalibrationSet.Of(dir, patterns);
                continue;
            }
            if (!lightsKnown)
            {
                lights = DwarfCalibration.LightConditions(lightsDir, patterns);
                lightsKnown = true;
            }
            if (DwarfCalibration.Find(lightsDir, kind, lights) is { } master)
            {
                found[kind] = new CalibrationSet(master, new[] { master }, CalibrationOrigin.Dwarf);
                continue;
            }
            amongLights ??= FramesByType(lightsDir, patterns);
            if (amongLights.TryGetValue(kind, out var mixed))
                found[kind] = new CalibrationSet(Path.GetFullPath(lightsDir), mixed, CalibrationOrigin.AmongLights);
        }
        return found;
    }

    // The calibration frames among the lights, by their IMAGETYP; files that cannot be read are the scan's business.
    private static Dictionary<string, List<string>> FramesByType(string lightsDir, string patterns)
    {
        var byType = new Dictionary<string, List<string>>();
        if (!Directory.Exists(lightsDir)) return byType;
        foreach (var file in InputScanner.FindFrames(lightsDir, patterns))
        {
            if (IO.FileKinds.Of(file) != IO.FileKind.Regular) continue;
            try
            {
                using var fits = FitsImage.Open(file);
                if (FrameTypes.Classify(fits.Header.GetString("IMAGETYP")) is { } kind and not "light")
                {
                    if (!byType.TryGetValue(kind, out var list)) byType[kind] = list = new List<string>();
                    list.Add(file);
                }
            }
            catch (Exception e) when (e is FitsFormatException or IOException or UnauthorizedAccessException)
            {
            }
        }
        return byType;
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

    // bias + (dark − bias) · factor: the dark current of another exposure, on the same bias.
    private static ImagePlane ScaledDark(ImagePlane dark, ImagePlane bias, double factor)
    {
        var scaled = new ImagePlane(dark.Width, dark.Height);
        var f = (float)factor;
        for (var i = 0; i < scaled.Data.Length; i++) scaled.Data[i] = bias.Data[i] + (dark.Data[i] - bias.Data[i]) * f;
        return scaled;
    }

    // Every frame of one kind, checked to be single-plane frames of the given size.
    private static ImagePlane[] Load(string kind, IReadOnlyList<string> files, int width, int height, string expected, ParallelOptions parallel)
    {
        if ((long)files.Count * width * height > MaxPixels)
            throw new InvalidDataException($"{files.Count} {kind} frames of {width}x{height} are more than {MaxPixels / 1_000_000_000.0:0.#} G pixels to combine; build a master of fewer frames");
        var planes = new ImagePlane[files.Count];
        Parallel.For(0, files.Count, parallel, i =>
        {
            using var fits = FitsImage.Open(files[i]);
            if (fits.Width != width || fits.Height != height)
                throw new InvalidDataException($"{kind} frame {files[i]} is {fits.Width}x{fits.Height}, {expected} {width}x{height}");
            if (fits.Planes != 1) throw new InvalidDataException($"{kind} frame {files[i]} has {fits.Planes} planes; calibration frames are raw single-plane frames");
            planes[i] = new ImagePlane(fits.Width, fits.Height, fits.ReadPlane());
        });
        return planes;
    }

    // A master's header: its kind, how it was made, and the first frame's conditions (so a supplied master is matched too).
    private static FitsHeader MasterHeader(string kind, IReadOnlyList<string> files, MasterMethod method, string key, string source)
    {
        var header = new FitsHeader();
        using (var first = FitsImage.Open(files[0]))
            foreach (var card in new[] { "EXPTIME", "EXPOSURE", "CCD-TEMP", "SET-TEMP", "GAIN", "OFFSET", "XBINNING", "YBINNING", "FILTER", "INSTRUME" })
            {
                if (first.Header.GetDouble(card) is { } number) header.Set(card, number, "of the first frame combined");
                else if (first.Header.GetString(card) is { } text) header.Set(card, text, "of the first frame combined");
            }
        header.Set("IMAGETYP", $"Master {kind}", "master calibration frame");
        header.Set("NCOMBINE", (long)files.Count, "frames combined");
        header.Set("TC-METH", method.ToString(), "how the frames were combined");
        header.Set("TC-KEY", key, "hash of the frames' contents, the method and the engine version");
        header.AddHistory($"from {source}");
        return header;
    }

    /// <summary>A master built on its own (<c>master build</c>, New-TileMaster).</summary>
    /// <param name="Path">Where it is.</param>
    /// <param name="Kind">bias, dark, flat or darkflat.</param>
    /// <param name="Frames">Frames combined.</param>
    /// <param name="Key">Its library key.</param>
    /// <param name="Reused">True when the library already held it (nothing was built).</param>
    public sealed record BuiltMaster(string Path, string Kind, int Frames, string Key, bool Reused);

    /// <summary>
    /// Builds the master of <paramref name="kind"/> from the frames in <paramref name="folder"/> into the library (or,
    /// with <paramref name="output"/>, into that file as well), unless the library holds it already.
    /// </summary>
    public static BuiltMaster BuildMaster(string kind, string folder, string pattern, MasterMethod method, MasterLibrary library, string? output, ParallelOptions parallel)
    {
        if (!Names.ContainsKey(kind)) throw new ArgumentException($"'{kind}' is not a kind of master; expected bias, dark, flat or darkflat");
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"the {kind} folder {folder} does not exist");
        var files = InputScanner.FindFiles(folder, pattern);
        if (files.Count < 2) throw new InvalidDataException($"the {kind} folder {folder} holds {files.Count} FITS frame(s); a master needs at least 2");
        int width, height;
        using (var first = FitsImage.Open(files[0])) (width, height) = (first.Width, first.Height);
        var stores = new List<Action>();
        var (master, stored, key, reused) = FromLibraryOrCombined(kind, files, folder, width, height, "the first frame is", method, library, parallel, warn: null, stores);
        // A flat with no light (zeros, or a dark taken for a flat) is refused before it is kept.
        if (kind == "flat") CalibrationMasters.GainMap(master, null, null, null, $"flats {folder}");
        foreach (var store in stores) store();
        // With a library, the master always has its file there.
        var path = stored!;
        if (output is not null)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(output))!);
            Runs.AtomicFile.Write(output, File.ReadAllBytes(path));
            path = System.IO.Path.GetFullPath(output);
        }
        return new BuiltMaster(path, kind, files.Count, key!, reused);
    }

    // The master of these frames: the library's when it holds it intact, else combined. A new master joins the
    // library only through `stores`, which the caller runs once every master has been checked: a set refused for
    // any reason leaves nothing behind.
    private static (ImagePlane Master, string? Stored, string? Key, bool Reused) FromLibraryOrCombined(string kind, IReadOnlyList<string> files, string source,
        int width, int height, string expected, MasterMethod method, MasterLibrary? library, ParallelOptions parallel, Action<string>? warn, List<Action> stores)
    {
        if (library is null) return (MasterCombiner.Combine(Load(kind, files, width, height, expected, parallel), method, parallel), null, null, false);
        var key = MasterLibrary.Key(kind, method, files);
        var stored = library.TryLoad(kind, key, width, height, out var problem);
        if (problem is not null) warn?.Invoke(problem + "; it is built again");
        if (stored is not null) return (stored, library.PathOf(kind, key), key, true);
        var master = MasterCombiner.Combine(Load(kind, files, width, height, expected, parallel), method, parallel);
        var header = MasterHeader(kind, files, method, key, source);
        stores.Add(() => library.Store(kind, key, master, header));
        return (master, library.PathOf(kind, key), key, false);
    }

    // Every frame of a set against what it calibrates (exposure, gain, binning, temperature as the kind needs);
    // a scaled dark may have any exposure, and a Dwarf factory master was chosen as the nearest in temperature.
    // Returns the first frame's conditions.
    private static FrameConditions? CheckConditions(string kind, CalibrationSet set, string[] files, FrameConditions target, string targetName,
        double tolerance, bool scaling)
    {
        FrameConditions? first = null;
        foreach (var file in files)
        {
            using var fits = FitsImage.Open(file);
            var conditions = FrameConditions.From(fits.Header);
            first ??= conditions;
            if (conditions.Mismatches(target, kind, tolerance)
                    .Where(d => !(scaling && kind == "dark" && d == "exposure") && !(set.Origin == CalibrationOrigin.Dwarf && d == "temperature"))
                    .ToList() is { Count: > 0 } differs)
            {
                var what = differs.Count == 1 ? differs[0] : string.Join(", ", differs.Take(differs.Count - 1)) + " and " + differs[^1];
                throw new InvalidDataException($"{kind} {file} ({conditions.Describe()}) does not match the {targetName} ({target.Describe()}): the {what} differ" +
                                               (differs.Contains("temperature") ? $" (temperatures may differ by calibration.temperature_tolerance, {tolerance:0.#} °C)" : ""));
            }
        }
        return first;
    }

    /// <summary>
    /// Reads every source and builds the masters for lights of <paramref name="width"/>×<paramref name="height"/>;
    /// throws naming the file when one does not fit.
    /// </summary>
    /// <remarks>
    /// With a <paramref name="library"/>, masters made from folders are taken from it when it holds one of the same
    /// frames and method, and stored in it when built; <paramref name="note"/> hears of each (and <paramref name="warn"/>
    /// of a damaged one, which is rebuilt).
    /// </remarks>
    public static (CalibrationMasters Masters, List<CalibrationSource> Sources) Build(IReadOnlyDictionary<string, CalibrationSet> sources, int width, int height,
        BayerPattern? pattern, ConfigView config, ParallelOptions parallel, FrameConditions lights, MasterLibrary? library = null,
        Action<string>? note = null, Action<string>? warn = null)
    {
        var method = config.Get(Keys.Combine) == "median" ? MasterMethod.Median : MasterMethod.SigmaClip;
        var tolerance = config.Get(Keys.TemperatureTolerance);
        var used = new List<CalibrationSource>();
        FrameConditions? flats = null, darks = null;
        var scaling = config.Get(Keys.DarkScaling);
        var stores = new List<Action>();
        ImagePlane? Master(string kind)
        {
            if (!sources.TryGetValue(kind, out var set)) return null;
            var path = set.Source;
            var files = set.Files.ToArray();
            if (files.Length == 0) throw new InvalidDataException($"the {kind} folder {path} holds no FITS frames");
            // Flat-darks calibrate the flats, everything else the lights.
            var target = kind == "darkflat" && flats is not null ? flats : lights;
            var targetName = kind == "darkflat" && flats is not null ? "flats" : "lights";
            var first = CheckConditions(kind, set, files, target, targetName, tolerance, scaling);
            if (kind == "flat") flats ??= first;
            if (kind == "dark") darks ??= first;
            if (set.Origin == CalibrationOrigin.Dwarf) note?.Invoke($"{kind}: the Dwarf factory master {path}");
            if (set.Origin == CalibrationOrigin.AmongLights)
                note?.Invoke($"{kind}: {files.Length} frame(s) in the lights folder whose IMAGETYP says {kind}");
            if (files.Length == 1)
            {
                used.Add(new CalibrationSource(kind, path, 1, set.IsMasterFile));
                return Load(kind, files, width, height, "the lights are", parallel)[0];
            }
            var (master, stored, _, reused) = FromLibraryOrCombined(kind, files, path, width, height, "the lights are", method, library, parallel, warn, stores);
            if (stored is not null)
                note?.Invoke(reused ? $"master {kind} reused from {stored} ({files.Length} frames of {path})"
                                    : $"master {kind} built from {files.Length} frames of {path} and stored as {stored}");
            used.Add(new CalibrationSource(kind, path, files.Length, false, stored, reused));
            return master;
        }
        var bias = Master("bias");
        var dark = Master("dark");
        var flat = Master("flat");
        var darkFlat = Master("darkflat");
        var gain = flat is null ? null : CalibrationMasters.GainMap(flat, darkFlat, bias, pattern, $"flats {sources["flat"].Source}");
        if (scaling && dark is not null)
        {
            if (bias is null) throw new InvalidDataException("calibration.dark_scaling needs a bias to take off the darks before scaling them; give bias frames or turn it off");
            if (darks?.Exposure is not { } td || td <= 0 || lights.Exposure is not { } tl)
                throw new InvalidDataException("calibration.dark_scaling needs EXPTIME (or EXPOSURE) in the darks' and the lights' headers");
            dark = ScaledDark(dark, bias, tl / td);
            used.Add(new CalibrationSource("dark_scaled", sources["dark"].Source, used.Single(u => u.Kind == "dark").Frames, false));
            note?.Invoke(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"dark current scaled by {tl / td:0.###} ({td:0.###} s darks for {tl:0.###} s lights)"));
        }
        // Without a bias or dark for the lights, their offset would stay in them and the flat would divide it too
        // (the vignetting comes back inverted). Flat-darks are short darks: as good a bias as there is.
        if (bias is null && dark is null && darkFlat is not null)
        {
            bias = darkFlat;
            used.Add(new CalibrationSource("darkflat_as_bias", sources["darkflat"].Source, used.Single(u => u.Kind == "darkflat").Frames, false));
        }
        foreach (var store in stores) store();
        return (new CalibrationMasters(bias, dark, gain), used);
    }
}
