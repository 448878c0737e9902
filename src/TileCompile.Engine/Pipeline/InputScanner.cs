using System.Globalization;
using TileCompile.Engine.Fits;

namespace TileCompile.Engine.Pipeline;

/// <summary>One frame found by the scan, described from its header alone.</summary>
public sealed record ScannedFrame(string Path, long Size, DateTime LastWriteUtc, int Width, int Height, int Planes, int Bitpix,
    string ColorMode, string? BayerPattern, double? ExposureSeconds, string? Camera = null, string? DateObs = null, string? Object = null);

/// <summary>A frame that cannot be used, with the reason (naming the header value that disqualifies it).</summary>
/// <param name="Path">The file.</param>
/// <param name="Reason">Why it is not a usable light.</param>
/// <param name="CalibrationKind">bias, dark, flat or darkflat when its IMAGETYP says it is a calibration frame.</param>
public sealed record ExcludedFrame(string Path, string Reason, string? CalibrationKind = null);

/// <summary>Result of scanning an input folder: usable frames in natural order, and exclusions.</summary>
public sealed record ScanResult(IReadOnlyList<ScannedFrame> Frames, IReadOnlyList<ExcludedFrame> Excluded)
{
    /// <summary>A one-line description such as "40 frames 512x384 MONO, 16-bit, 10 s".</summary>
    public string Summary => Frames.Count == 0
        ? "no usable frames"
        : string.Create(CultureInfo.InvariantCulture,
            $"{Frames.Count} frames {Frames[0].Width}x{Frames[0].Height} {Frames[0].BayerPattern ?? Frames[0].ColorMode}, " +
            $"{(Frames[0].Bitpix > 0 ? $"{Frames[0].Bitpix}-bit" : "float")}, {Frames[0].ExposureSeconds?.ToString("0.###", CultureInfo.InvariantCulture) ?? "?"} s");
}

/// <summary>
/// Finds light frames by pattern and checks, from headers only, that they can be stacked together:
/// the same size, bit-depth family and colour layout, and exposures within tolerance of the median.
/// </summary>
public static class InputScanner
{
    /// <summary>Lists files in <paramref name="directory"/> matching any of the ';'-separated patterns, in natural order.</summary>
    public static IReadOnlyList<string> FindFrames(string directory, string patterns)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"The input folder '{directory}' does not exist.");
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pattern in patterns.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (PatternProblem(pattern) is { } problem) throw new ArgumentException($"input.pattern '{pattern}' {problem}");
            // Folders that match come along too, so that the scan can say why they are not read.
            foreach (var f in Directory.EnumerateFileSystemEntries(directory, pattern, new EnumerationOptions { MatchCasing = MatchCasing.CaseInsensitive }))
                found.Add(f);
        }
        return found.OrderBy(f => Path.GetFileName(f), NaturalSort.Instance).ToList();
    }

    /// <summary>
    /// The folder whose frames a run stacks when given <paramref name="directory"/>: the folder itself, or, for a
    /// Seestar target folder that holds only the telescope's own stacks, its single "&lt;target&gt;_sub" folder of subs.
    /// </summary>
    public static string LightsFolder(string directory, string patterns)
    {
        var lights = FindFrames(directory, patterns)
            .Count(f => !Directory.Exists(f) && SmartTelescopeNote(Path.GetFileName(f)) is null);
        if (lights > 0) return directory;
        var subs = Directory.EnumerateDirectories(directory, "*_sub", new EnumerationOptions { MatchCasing = MatchCasing.CaseInsensitive }).ToList();
        return subs.Count == 1 && FindFrames(subs[0], patterns).Count > 0 ? subs[0] : directory;
    }

    /// <summary>
    /// The matching files of a folder that must all be readable (calibration frames): folders are passed over, and a
    /// pipe, device or broken link stops with its name rather than being opened.
    /// </summary>
    public static IReadOnlyList<string> FindFiles(string directory, string patterns)
    {
        var files = new List<string>();
        foreach (var f in FindFrames(directory, patterns))
        {
            if (Directory.Exists(f)) continue;
            if (NotAFile(f) is { } problem) throw new InvalidDataException($"{f} {problem}");
            files.Add(f);
        }
        return files;
    }

    /// <summary>Why a file-name pattern cannot be used, or null (see <see cref="IO.FilePatterns.Problem"/>).</summary>
    public static string? PatternProblem(string pattern) => IO.FilePatterns.Problem(pattern);

    // Smart telescopes keep their own results beside the subs: Seestar's Stacked_*, Dwarf's stacked-* images, and
    // the frames a Dwarf flagged as failed (failed_*).
    private static string? SmartTelescopeNote(string name) =>
        name.StartsWith("Stacked_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("stacked-", StringComparison.OrdinalIgnoreCase)
            ? $"is the telescope's own stacked image ({name[..8]}*), not a light frame; left out"
            : name.StartsWith("failed_", StringComparison.OrdinalIgnoreCase)
                ? "was flagged as failed by the telescope (failed_*); left out"
                : null;

    /// <summary>Why a path the pattern matched is not a file a frame can be read from, or null when it is one.</summary>
    private static string? NotAFile(string path)
    {
        var kind = IO.FileKinds.Of(path);
        return kind switch
        {
            IO.FileKind.Regular => null,
            IO.FileKind.Directory => "is a folder, not a FITS file; frames in sub-folders are not read",
            IO.FileKind.Missing when Runs.RunTree.IsLink(path) => $"is a symbolic link to '{new FileInfo(path).LinkTarget}', which does not exist",
            _ => $"is {IO.FileKinds.Describe(kind)}, not a FITS file",
        };
    }

    /// <summary>Scans the given files; <paramref name="bayerOverride"/> replaces BAYERPAT when not null.</summary>
    public static ScanResult Scan(IReadOnlyList<string> files, double exposureTolerancePercent, string? bayerOverride = null)
    {
        var frames = new List<ScannedFrame>();
        var excluded = new List<ExcludedFrame>();
        foreach (var file in files)
        {
            var (frame, reason) = ScanFile(file, bayerOverride);
            if (frame is not null) frames.Add(frame);
            else excluded.Add(reason!);
        }
        KeepSessionGeometry(frames, excluded);
        KeepSessionCamera(frames, excluded);
        KeepSessionExposure(frames, excluded, exposureTolerancePercent);
        return new ScanResult(frames, excluded);
    }

    // One file: a frame of the session, or the reason it is left out.
    private static (ScannedFrame? Frame, ExcludedFrame? Excluded) ScanFile(string file, string? bayerOverride)
    {
        if (NotAFile(file) is { } notAFile) return (null, new ExcludedFrame(file, notAFile));
        if (SmartTelescopeNote(Path.GetFileName(file)) is { } note) return (null, new ExcludedFrame(file, note));
        try
        {
            using var image = FitsImage.Open(file);
            var kind = Calibration.FrameTypes.Classify(image.Header.GetString("IMAGETYP"));
            if (kind is not null and not "light")
            {
                var folder = kind switch { "darkflat" => "darkflats", "bias" => "bias", _ => kind + "s" };
                return (null, new ExcludedFrame(file, $"IMAGETYP = '{image.Header.GetString("IMAGETYP")?.Trim()}': a {kind} frame, not a light; " +
                                                     $"it calibrates the lights unless a {folder} folder or calibration key names other {kind} frames", kind));
            }
            // A stack dropped among the lights (the telescope's, or one of ours) would count as one very deep frame.
            var combined = Math.Max(image.Header.GetInteger("STACKCNT") ?? 0, image.Header.GetInteger("NCOMBINE") ?? 0);
            if (combined > 1)
                return (null, new ExcludedFrame(file, $"is a stack of {combined} frames (NCOMBINE/STACKCNT), not a light frame; left out"));
            var problem = image.Camera.ExposureProblem ?? (bayerOverride is null ? image.Camera.BayerProblem : null);
            if (problem is not null) return (null, new ExcludedFrame(file, problem));
            var info = new FileInfo(file);
            var pattern = bayerOverride ?? image.Camera.EffectivePattern?.ToString();
            var mode = image.Planes == 3 ? "RGB" : pattern is null ? "MONO" : "OSC";
            return (new ScannedFrame(file, info.Length, info.LastWriteTimeUtc, image.Width, image.Height, image.Planes, image.Bitpix,
                mode, mode == "OSC" ? pattern : null, image.Camera.ExposureSeconds, image.Camera.Instrument,
                image.Header.GetString("DATE-OBS")?.Trim() is { Length: > 0 } date ? date : null,
                image.Header.GetString("OBJECT")?.Trim() is { Length: > 0 } target ? target : null), null);
        }
        catch (FitsFormatException e)
        {
            return (null, new ExcludedFrame(file, e.Message));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone or unreadable since it was listed: that one file is left out, the run goes on.
            return (null, new ExcludedFrame(file, $"cannot be read: {e.Message}"));
        }
    }

    private static void KeepSessionGeometry(List<ScannedFrame> frames, List<ExcludedFrame> excluded)
    {
        // The largest group of identical geometry, colour layout and camera is the session; others are excluded.
        // Frames without INSTRUME join any camera: many tools drop the card.
        var groups = frames.GroupBy(f => (f.Width, f.Height, f.Planes, Float: f.Bitpix < 0, f.ColorMode, f.BayerPattern))
            .OrderByDescending(g => g.Count()).ToList();
        if (groups.Count > 1)
        {
            var main = groups[0].Key;
            foreach (var f in frames.Where(f => (f.Width, f.Height, f.Planes, f.Bitpix < 0, f.ColorMode, f.BayerPattern) != main).ToList())
            {
                excluded.Add(new ExcludedFrame(f.Path,
                    $"{f.Width}x{f.Height} {f.BayerPattern ?? f.ColorMode} (BITPIX {f.Bitpix}) does not match the session's {main.Width}x{main.Height} {main.BayerPattern ?? main.ColorMode}"));
                frames.Remove(f);
            }
        }
    }

    private static void KeepSessionCamera(List<ScannedFrame> frames, List<ExcludedFrame> excluded)
    {
        var cameras = frames.Where(f => f.Camera is not null).GroupBy(f => f.Camera!, StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (cameras.Count > 1)
        {
            var main = cameras[0].Key;
            foreach (var f in frames.Where(f => f.Camera is not null && !string.Equals(f.Camera, main, StringComparison.OrdinalIgnoreCase)).ToList())
            {
                excluded.Add(new ExcludedFrame(f.Path, $"INSTRUME = '{f.Camera}' is not the session's camera '{main}' ({cameras[0].Count()} frames)"));
                frames.Remove(f);
            }
        }
    }

    private static void KeepSessionExposure(List<ScannedFrame> frames, List<ExcludedFrame> excluded, double exposureTolerancePercent)
    {
        var exposures = frames.Where(f => f.ExposureSeconds is > 0).Select(f => f.ExposureSeconds!.Value).OrderBy(x => x).ToList();
        if (exposures.Count > 0)
        {
            var median = exposures[exposures.Count / 2];
            foreach (var f in frames.Where(f => f.ExposureSeconds is { } e && Math.Abs(e - median) > median * exposureTolerancePercent / 100).ToList())
            {
                excluded.Add(new ExcludedFrame(f.Path, string.Create(CultureInfo.InvariantCulture,
                    $"EXPTIME = {f.ExposureSeconds} s differs from the median {median} s by more than {exposureTolerancePercent} %")));
                frames.Remove(f);
            }
        }
    }

    /// <summary>Describes the groups of frames found, e.g. "143 frames 1080x1920 RGGB, 12 frames 3840x2160 MONO".</summary>
    public static string DescribeGroups(IEnumerable<ScannedFrame> frames) =>
        string.Join(", ", frames.GroupBy(f => $"{f.Width}x{f.Height} {f.BayerPattern ?? f.ColorMode}")
            .OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} frames {g.Key}"));
}
