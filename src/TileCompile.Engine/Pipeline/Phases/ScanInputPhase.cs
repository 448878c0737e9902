using System.Globalization;
using TileCompile.Engine.Config;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>
/// Phase 0: reads every frame's header (not its data) and keeps the frames that can be stacked
/// together; writes <c>artifacts/scan.json</c>.
/// </summary>
public sealed class ScanInputPhase : IPipelinePhase
{
    /// <summary>Artifact path of the scan result.</summary>
    public const string ScanJson = "artifacts/scan.json";

    /// <inheritdoc />
    public PhaseId Id => PhaseId.ScanInput;
    /// <inheritdoc />
    public int AlgoVersion => 2;
    /// <inheritdoc />
    public IReadOnlyList<ConfigKey> ConfigKeys { get; } = new ConfigKey[]
    {
        Config.ConfigKeys.Assumptions.ExposureTolerancePercent, Config.ConfigKeys.Data.BayerPattern, Config.ConfigKeys.Data.ColorMode,
    };
    /// <inheritdoc />
    public IReadOnlyList<PhaseId> Reads => Array.Empty<PhaseId>();
    /// <inheritdoc />
    public bool ReadsInputFrames => true;

    /// <inheritdoc />
    public void Run(PhaseContext context)
    {
        var files = context.Run.Frames.Select(f => f.Path).ToList();
        var bayer = context.Config.Get(Config.ConfigKeys.Data.BayerPattern);
        var scan = InputScanner.Scan(files, context.Config.Get(Config.ConfigKeys.Assumptions.ExposureTolerancePercent), bayer == "auto" ? null : bayer);
        foreach (var excluded in scan.Excluded.Where(e => e.CalibrationKind is null))
            context.Warn("frame_excluded", $"{Path.GetFileName(excluded.Path)} excluded: {excluded.Reason}", Path.GetFileName(excluded.Path));
        // A folder that mixes frame types is sorted with one note per type, not a warning per frame.
        foreach (var group in scan.Excluded.Where(e => e.CalibrationKind is not null).GroupBy(e => e.CalibrationKind!))
            context.Warn("calibration_frames_among_lights",
                $"{group.Count()} {group.Key} frame(s) among the lights by IMAGETYP ({string.Join(", ", group.Take(3).Select(e => Path.GetFileName(e.Path)))}" +
                $"{(group.Count() > 3 ? ", …" : "")}) are not stacked; they calibrate the lights unless a {group.Key} folder or calibration key names others");
        context.Progress(files.Count, files.Count);

        var mode = context.Config.Get(Config.ConfigKeys.Data.ColorMode);
        if (mode != "auto" && scan.Frames.Count > 0 && !string.Equals(scan.Frames[0].ColorMode, mode, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"data.color_mode is {mode} but the frames are {scan.Frames[0].ColorMode} ({scan.Summary})");
        if (scan.Frames.Count < 2)
        {
            var found = scan.Excluded.Count == 0 ? "" : $"; excluded: {string.Join("; ", scan.Excluded.Take(5).Select(e => $"{Path.GetFileName(e.Path)}: {e.Reason}"))}";
            throw new InvalidDataException($"only {scan.Frames.Count} usable frame(s) of {files.Count}: at least 2 are needed to stack{found}");
        }

        context.Write(ArtifactCatalog.Scan, new ScanReport
        {
            Summary = scan.Summary,
            Frames = scan.Frames.Select(f => new ScanReport.Frame
            {
                File = Path.GetFileName(f.Path),
                Path = f.Path,
                Size = f.Size,
                Width = f.Width,
                Height = f.Height,
                Bitpix = f.Bitpix,
                ColorMode = f.ColorMode,
                BayerPattern = f.BayerPattern,
                Exposure = f.ExposureSeconds,
                DateObs = f.DateObs,
            }).ToList(),
            Excluded = scan.Excluded.Select(e => new ScanReport.Exclusion { File = Path.GetFileName(e.Path), Reason = e.Reason }).ToList(),
        });
        context.SetFact(RunModes.UsableFramesFact, scan.Frames.Count);
        context.SetFact("excluded_frames", scan.Excluded.Count);
        context.SetFact("summary", scan.Summary);
        // The target most frames name: what a listing of a night's runs filters on.
        if (scan.Frames.Where(f => f.Object is not null).GroupBy(f => f.Object!).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault() is { } target)
            context.SetFact("object", target.Key);
        context.SetFact("color_mode", scan.Frames[0].ColorMode);
        if (scan.Frames[0].BayerPattern is { } p) context.SetFact("bayer_pattern", p);
        context.SetFact("width", scan.Frames[0].Width.ToString(CultureInfo.InvariantCulture));
        context.SetFact("height", scan.Frames[0].Height.ToString(CultureInfo.InvariantCulture));
    }
}

/// <summary>Content of artifacts/scan.json.</summary>
public sealed record ScanReport
{
    /// <summary>One-line description.</summary>
    public required string Summary { get; init; }
    /// <summary>Usable frames in order.</summary>
    public required List<Frame> Frames { get; init; }
    /// <summary>Excluded frames with reasons.</summary>
    public required List<Exclusion> Excluded { get; init; }

    /// <summary>A usable frame.</summary>
    public sealed record Frame
    {
        /// <summary>File name.</summary>
        public required string File { get; init; }
        /// <summary>Absolute path.</summary>
        public required string Path { get; init; }
        /// <summary>Bytes.</summary>
        public long Size { get; init; }
        /// <summary>NAXIS1.</summary>
        public int Width { get; init; }
        /// <summary>NAXIS2.</summary>
        public int Height { get; init; }
        /// <summary>BITPIX.</summary>
        public int Bitpix { get; init; }
        /// <summary>MONO, OSC or RGB.</summary>
        public required string ColorMode { get; init; }
        /// <summary>Effective Bayer pattern for OSC.</summary>
        public string? BayerPattern { get; init; }
        /// <summary>Exposure (s).</summary>
        public double? Exposure { get; init; }
        /// <summary>DATE-OBS as the frame states it (UTC start of the exposure), when it does.</summary>
        public string? DateObs { get; init; }
    }

    /// <summary>An excluded frame.</summary>
    public sealed record Exclusion
    {
        /// <summary>File name.</summary>
        public required string File { get; init; }
        /// <summary>Why.</summary>
        public required string Reason { get; init; }
    }
}
