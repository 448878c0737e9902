using TileCompile.Engine.Calibration;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Pipeline.Phases;

namespace TileCompile.Engine.Pipeline;

/// <summary>
/// Registration's first step: the run's calibration masters, built once per run from the frames the configuration
/// names or discovery finds (kept as artifacts and in the master library) and read back on a resume; and the reader
/// that calibrates each light as it is read.
/// </summary>
internal static class CalibrationStep
{
    /// <summary>Artifact path of the calibration report (which frames made which master).</summary>
    public const string ReportJson = "artifacts/calibration.json";
    private const int CalibrationRecord = -2;
    private static readonly (string Kind, string File)[] MasterFiles =
        { ("bias", "artifacts/calibration/master_bias.fit"), ("dark", "artifacts/calibration/master_dark.fit"), ("flat", "artifacts/calibration/flat_gain.fit") };

    /// <summary>Reads a light frame and calibrates it with the run's masters (unchanged when there are none).</summary>
    internal sealed class LightReader(CalibrationMasters masters)
    {
        public CalibrationMasters Masters => masters;

        public ImagePlane Read(string path, out FitsHeader header)
        {
            using var image = FitsImage.Open(path);
            var plane = new ImagePlane(image.Width, image.Height, image.ReadPlane());
            header = image.Header.Clone();
            if (!masters.IsEmpty)
            {
                masters.Apply(plane, path);
                header.AddHistory("calibrated: " + string.Join(", ", new[] { masters.Dark is not null ? "dark subtracted" : masters.Bias is not null ? "bias subtracted" : null,
                    masters.Gain is not null ? "divided by the flat" : null }.Where(t => t is not null)));
            }
            return plane;
        }
    }

    // The masters are built once per run (first attempt) and kept as artifacts; a resume of this phase reads them back.
    public static CalibrationMasters Masters(PhaseContext context, List<ScanReport.Frame> frames, BayerPattern? pattern)
    {
        if (context.Frames.Completed(CalibrationRecord) is { } record)
        {
            foreach (var a in record.Artifacts) context.AddExisting(a);
            ImagePlane? Load(string kind)
            {
                var file = MasterFiles.Single(m => m.Kind == kind).File;
                if (!record.Artifacts.Any(a => a.Path == file)) return null;
                using var fits = FitsImage.Open(context.Paths.Resolve(file));
                return new ImagePlane(fits.Width, fits.Height, fits.ReadPlane());
            }
            return new CalibrationMasters(Load("bias"), Load("dark"), Load("flat"));
        }
        var sources = CalibrationInputs.Locate(context.Run.InputDir, context.Config);
        // The master library sits beside the runs, so every run over the same calibration frames shares its masters.
        var library = new MasterLibrary(Path.Combine(Path.GetDirectoryName(context.Paths.Root)!, "masters"));
        FrameConditions lights;
        using (var first = FitsImage.Open(frames[0].Path)) lights = FrameConditions.From(first.Header);
        var (masters, used) = CalibrationInputs.Build(sources, frames[0].Width, frames[0].Height, pattern, context.Config, context.ParallelOptions,
            lights, library, note => context.Progress(1, 1, note), warn => context.Warn("master_rebuilt", warn));
        var artifacts = new List<Runs.ArtifactRecord>();
        foreach (var (kind, file) in MasterFiles)
        {
            var plane = kind switch { "bias" => masters.Bias, "dark" => masters.Dark, _ => masters.Gain };
            if (plane is null) continue;
            var header = new FitsHeader();
            header.Set("IMAGETYP", kind == "flat" ? "Master Flat Gain" : kind == "dark" ? "Master Dark" : "Master Bias", "master calibration frame");
            foreach (var s in used.Where(u => u.Kind == kind || (kind == "flat" && u.Kind == "darkflat") || (kind == "bias" && u.Kind == "darkflat_as_bias")))
            {
                header.Set(s.Kind == "darkflat" ? "TC-NDFLT" : "NCOMBINE", (long)s.Frames, s.Kind == "darkflat" ? "flat-darks combined" : "frames combined");
                header.AddHistory($"{s.Kind}: {s.Source}");
            }
            artifacts.Add(context.WriteArtifact(file, st => FitsWriter.WriteFloat32(st, plane.Data, plane.Width, plane.Height, header: header)));
        }
        artifacts.Add(context.WriteJson(ReportJson, new
        {
            sources = used.Select(u => new { kind = u.Kind, source = u.Source, frames = u.Frames, supplied_master = u.Supplied, library = u.Library, reused = u.Reused }),
            applied = masters.IsEmpty ? "nothing" : $"(light − {(masters.Dark is not null ? "dark" : masters.Bias is not null ? "bias" : "0")}){(masters.Gain is not null ? " / flat gain" : "")}",
        }));
        context.Frames.Record(CalibrationRecord, artifacts);
        context.SetFact("calibration", used.Count == 0 ? "none" : string.Join(", ", used.Select(u => $"{u.Kind} {(u.Supplied ? "master" : $"{u.Frames} frames")}")));
        return masters;
    }
}
