using System.Globalization;
using System.Text.RegularExpressions;
using TileCompile.Engine.Calibration;
using TileCompile.Engine.Fits;

namespace TileCompile.Engine.Pipeline;

/// <summary>
/// The factory masters a Dwarf smart telescope keeps in <c>Astronomy/CALI_FRAME/{bias,dark,flat}/cam_N</c> (cam_0 the
/// telephoto, cam_1 the wide-angle camera), matched to lights in a <c>DWARF_RAW_…</c> folder beside it. The masters'
/// names carry their conditions (<c>dark_exp_15.000000_gain_60_bin_1_38C_stack_10.fits</c>); a header says more
/// when it has the cards.
/// </summary>
public static class DwarfCalibration
{
    /// <summary>The folder name the telescope gives its calibration masters.</summary>
    public const string FolderName = "CALI_FRAME";

    private static readonly Regex Exposure = new(@"(?:^|_)exp_(\d+(?:\.\d+)?)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex Gain = new(@"(?:^|_)gain_(\d+(?:\.\d+)?)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex Binning = new(@"(?:^|_)bin_(\d+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex Temperature = new(@"_(-?\d+(?:\.\d+)?)C(?:_|\.|$)", RegexOptions.CultureInvariant);

    /// <summary>
    /// Conditions written in a Dwarf file or folder name (exp_, gain_, bin_, a temperature such as 38C), each null
    /// where the name has none.
    /// </summary>
    public static FrameConditions FromName(string name)
    {
        static double? Number(Regex regex, string text) =>
            regex.Match(text) is { Success: true } m && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
        var bin = Number(Binning, name) is { } b ? (int?)b : null;
        return new FrameConditions(Number(Exposure, name), Number(Temperature, name), Number(Gain, name), null, bin, bin, null);
    }

    /// <summary>What the lights were taken under: the first light frame's header, completed from the folder's name.</summary>
    public static FrameConditions? LightConditions(string lightsDir, string patterns)
    {
        if (!Directory.Exists(lightsDir)) return null;
        var named = FromName(Path.GetFileName(Path.GetFullPath(lightsDir).TrimEnd(Path.DirectorySeparatorChar)));
        foreach (var file in InputScanner.FindFrames(lightsDir, patterns))
        {
            if (IO.FileKinds.Of(file) != IO.FileKind.Regular) continue;
            try
            {
                using var fits = FitsImage.Open(file);
                if (FrameTypes.Classify(fits.Header.GetString("IMAGETYP")) is { } kind && kind != "light") continue;
                return Merge(FrameConditions.From(fits.Header), named);
            }
            catch (Exception e) when (e is FitsFormatException or IOException or UnauthorizedAccessException)
            {
            }
        }
        return named;
    }

    /// <summary>
    /// The factory master of <paramref name="kind"/> (bias, dark or flat) that fits lights taken under
    /// <paramref name="lights"/>, or null when there is no <c>CALI_FRAME</c> folder or none fits. Darks must match the
    /// exposure (within 5 %), gain and binning, and the nearest temperature wins; biases gain and binning; flats binning,
    /// preferring the same gain.
    /// </summary>
    public static string? Find(string lightsDir, string kind, FrameConditions? lights)
    {
        if (kind is not ("bias" or "dark" or "flat")) return null;
        var root = Folder(lightsDir);
        if (root is null) return null;
        var kindDir = Directory.EnumerateDirectories(root).FirstOrDefault(d => string.Equals(Path.GetFileName(d), kind, StringComparison.OrdinalIgnoreCase));
        if (kindDir is null) return null;
        var camera = Path.GetFileName(Path.GetFullPath(lightsDir).TrimEnd(Path.DirectorySeparatorChar))
            .Contains("WIDE", StringComparison.OrdinalIgnoreCase) ? "cam_1" : "cam_0";
        var camDir = Directory.EnumerateDirectories(kindDir).FirstOrDefault(d => string.Equals(Path.GetFileName(d), camera, StringComparison.OrdinalIgnoreCase));
        var candidates = new List<(string File, FrameConditions Conditions)>();
        foreach (var file in InputScanner.FindFrames(camDir ?? kindDir, "*.fits;*.fit;*.fts"))
        {
            if (IO.FileKinds.Of(file) != IO.FileKind.Regular) continue;
            FrameConditions header;
            try
            {
                using var fits = FitsImage.Open(file);
                header = FrameConditions.From(fits.Header);
            }
            catch (Exception e) when (e is FitsFormatException or IOException or UnauthorizedAccessException)
            {
                continue;
            }
            var conditions = Merge(header, FromName(Path.GetFileNameWithoutExtension(file)));
            if (lights is null || Fits(conditions, lights, kind)) candidates.Add((file, conditions));
        }
        if (candidates.Count == 0) return null;
        // Nearest in temperature (darks), then the same gain (flats), then the first by name.
        return candidates
            .OrderBy(c => kind == "dark" && c.Conditions.Temperature is { } t && lights?.Temperature is { } lt ? Math.Abs(t - lt) : 0)
            .ThenBy(c => kind == "flat" && lights?.Gain is { } g && c.Conditions.Gain is { } cg && cg != g ? 1 : 0)
            .First().File;
    }

    // The lights' folder, its parent or grandparent may hold CALI_FRAME (the telescope's Astronomy folder, or a copy of it).
    private static string? Folder(string lightsDir)
    {
        var dir = Path.GetFullPath(lightsDir).TrimEnd(Path.DirectorySeparatorChar);
        for (var level = 0; level < 3 && dir is { Length: > 0 }; level++)
        {
            if (Directory.Exists(dir))
                foreach (var sub in Directory.EnumerateDirectories(dir))
                    if (string.Equals(Path.GetFileName(sub), FolderName, StringComparison.OrdinalIgnoreCase)) return sub;
            dir = Path.GetDirectoryName(dir)!;
        }
        return null;
    }

    private static bool Fits(FrameConditions master, FrameConditions lights, string kind)
    {
        // Temperature chooses between darks; it does not rule one out (the factory set spans a few temperatures).
        var differs = master.Mismatches(lights, kind, double.PositiveInfinity);
        return kind == "flat" ? !differs.Contains("binning") : differs.Count == 0;
    }

    private static FrameConditions Merge(FrameConditions header, FrameConditions named) => new(
        header.Exposure ?? named.Exposure, header.Temperature ?? named.Temperature, header.Gain ?? named.Gain, header.Offset,
        header.BinX ?? named.BinX, header.BinY ?? named.BinY, header.Filter);
}
