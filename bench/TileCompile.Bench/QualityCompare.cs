using TileCompile.Engine.Fits;
using TileCompile.Engine.Metrics;
using TileCompile.Engine.Registration;

/// <summary>One stack measured for the side-by-side table.</summary>
sealed record MeasuredStack(string Label, QualityFigures Figures, bool Flipped);

/// <summary>
/// Measures several stacks of the same frames the same way: stars for photometry are chosen in the
/// first stack and carried onto each other by matching their stars, so every stack's aperture SNR is
/// the median over the same stars.
/// </summary>
static class QualityCompare
{
    public static List<MeasuredStack> Measure(IReadOnlyList<(string Label, string Path)> stacks)
    {
        var fields = stacks.Select(s => Load(s.Path)).ToList();
        var first = fields[0].Field;
        var stars = StackQuality.PhotometryStars(first);
        var result = new List<MeasuredStack>();
        for (var i = 0; i < stacks.Count; i++)
        {
            var (field, flipped) = (fields[i].Field, false);
            AffineTransform map = AffineTransform.Identity;
            if (i > 0)
            {
                var found = StackQuality.Match(first, field);
                if (found is null)
                {
                    // Some tools write the rows bottom-up: try the image the other way up.
                    field = Flip(fields[i].Planes, fields[i].Width, fields[i].Height);
                    flipped = true;
                    found = StackQuality.Match(first, field);
                }
                map = found ?? throw new InvalidOperationException($"{stacks[i].Path}: its stars do not match those of {stacks[0].Path}");
            }
            var positions = stars.Select(s => map.Apply(s.X, s.Y)).ToList();
            result.Add(new MeasuredStack(stacks[i].Label, StackQuality.Measure(field, positions), flipped));
        }
        return result;
    }

    static (StackField Field, List<float[]> Planes, int Width, int Height) Load(string path)
    {
        using var fits = FitsImage.Open(path);
        var planes = Enumerable.Range(0, fits.Planes).Select(p => fits.ReadPlane(p)).ToList();
        return (StackQuality.Analyse(planes, fits.Width, fits.Height), planes, fits.Width, fits.Height);
    }

    static StackField Flip(List<float[]> planes, int w, int h)
    {
        var flipped = planes.Select(p =>
        {
            var f = new float[p.Length];
            for (var y = 0; y < h; y++) Array.Copy(p, y * w, f, (h - 1 - y) * w, w);
            return f;
        }).ToList();
        return StackQuality.Analyse(flipped, w, h);
    }
}

/// <summary>Markdown rows of the quality table.</summary>
static class QualityTable
{
    public const string Header = "| stack | FWHM px (stars) | aperture SNR (stars) | stars at 5σ | darkest ring σ | hot / cold residue | pixel noise |\n|---|---:|---:|---:|---:|---:|---:|";

    public static string Row(MeasuredStack m)
    {
        var f = m.Figures;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"| {m.Label} | {f.FwhmPx:0.00} ({f.FwhmStars}) | {f.ApertureSnr:0.0} ({f.SnrStars}) | {f.StarsAt5Sigma} | {f.DarkestRingSigma:0.0} | {f.HotResidue} / {f.ColdResidue} | {f.PixelNoise:G3} |");
    }
}
