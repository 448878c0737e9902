using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Registration;
using TileCompile.Engine.Runs;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>The files registration leaves per frame: the warped frame and, when drizzling, its drops and their coverage.</summary>
internal static class RegisteredFrameFiles
{
    // Cards that describe a mosaic: gone once the pixels are colour planes.
    private static readonly string[] MosaicCards = { "BAYERPAT", "XBAYROFF", "YBAYROFF", "COLORTYP" };

    /// <summary>Where the warped copy of <paramref name="file"/> is kept, relative to the run.</summary>
    public static string WarpedPath(string file) => "outputs/registered/" + Path.GetFileNameWithoutExtension(file) + ".fit";

    /// <summary>
    /// Writes the warped frame with the registration in its header (<paramref name="header"/> is the frame's own,
    /// stamped here and left stamped for the drizzle copy).
    /// </summary>
    public static ArtifactRecord WriteWarped(PhaseContext context, string file, float[] pixels, int width, int height, int planes, FitsHeader header,
        string referenceName, AffineTransform transform, double rms, int inliers, DemosaicMethod? debayer)
    {
        header.Set("TC-REF", referenceName, "reference frame of the registration");
        header.Set("TC-REGA", transform.A, "reference->frame matrix a");
        header.Set("TC-REGB", transform.B, "reference->frame matrix b");
        header.Set("TC-REGTX", transform.Tx, "reference->frame matrix tx");
        header.Set("TC-REGC", transform.C, "reference->frame matrix c");
        header.Set("TC-REGD", transform.D, "reference->frame matrix d");
        header.Set("TC-REGTY", transform.Ty, "reference->frame matrix ty");
        header.Set("TC-REGRM", Math.Round(rms, 4), "registration RMS residual [px]");
        header.Set("TC-REGIN", (long)inliers, "matched stars");
        if (planes == 3)
        {
            foreach (var key in MosaicCards) header.Remove(key);
            header.Set("TC-CHAN", "R,G,B", "planes of this cube");
            header.Set("TC-DEBAY", debayer!.Value.ToString(), "debayered at full resolution before warping");
        }
        return context.WriteArtifact(WarpedPath(file), s => FitsWriter.WriteFloat32(s, pixels, width, height, planes, header));
    }

    /// <summary>
    /// Drizzles <paramref name="raw"/> onto the output grid and writes its drops and their coverage; returns the
    /// drops' path and both records. Defects and holes drop nothing: their repaired values served the
    /// interpolation, not as data.
    /// </summary>
    public static (string Path, ArtifactRecord Values, ArtifactRecord Coverage) WriteDrizzled(PhaseContext context, string file, ImagePlane raw, BayerPattern? pattern,
        AffineTransform transform, DrizzleOptions drizzle, IReadOnlyList<int> holes, IReadOnlyList<int> defects, FitsHeader stamped)
    {
        var dropless = new HashSet<int>(holes);
        dropless.UnionWith(defects);
        var drops = Drizzle.Apply(raw, pattern, transform, drizzle, dropless);
        var n = drops.Width * drops.Height;
        var values = new float[drops.Values.Length * n];
        var coverage = new float[drops.Values.Length * n];
        for (var c = 0; c < drops.Values.Length; c++)
        {
            drops.Values[c].CopyTo(values, c * n);
            drops.Weights[c].CopyTo(coverage, c * n);
        }
        var header = stamped.Clone();
        foreach (var key in MosaicCards) header.Remove(key);
        header.Set("TC-DRIZ", $"scale {drizzle.Scale}, pixfrac {drizzle.Pixfrac}", "drizzled onto the reference grid");
        header.Set("TC-CHAN", pattern is null ? "L" : "R,G,B", "planes of this cube");
        var path = ImageArtifacts.DrizzleFolder + Path.GetFileNameWithoutExtension(file) + ".fit";
        var valuesRecord = context.WriteArtifact(path, s => FitsWriter.WriteFloat32(s, values, drops.Width, drops.Height, drops.Values.Length, header));
        header.Set("TC-MAP", "coverage", "drop overlap per output pixel (output-pixel areas)");
        var coverageRecord = context.WriteArtifact(StackPlanes.CoveragePath(path),
            s => FitsWriter.WriteFloat32(s, coverage, drops.Width, drops.Height, drops.Values.Length, header));
        return (path, valuesRecord, coverageRecord);
    }
}
