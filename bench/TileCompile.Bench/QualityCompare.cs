using TileCompile.Engine.Fits;
using TileCompile.Engine.Metrics;
using TileCompile.Engine.Registration;

/// <summary>One stack measured for the side-by-side table.</summary>
/// <param name="ColourError">Median |error| of star colour ratios against the generator's truth (fraction); null when not measured.</param>
/// <param name="ColourBias">Median signed error of the same ratios; null when not measured.</param>
/// <param name="Tracks">The census of the generator's hot pixels' tracks; null when not measured.</param>
sealed record MeasuredStack(string Label, QualityFigures Figures, bool Flipped, double? ColourError = null, double? ColourBias = null, TrackCensus? Tracks = null);

/// <summary>What the generator knows of a session, in the coordinates of one of the stacks (<c>truthStack</c>).</summary>
/// <param name="HotTracks">Each hot sensor pixel's position in every frame, carried onto that stack.</param>
/// <param name="Stars">Where the generated stars are, to keep the census off them.</param>
sealed record DefectTruth(IReadOnlyList<IReadOnlyList<(double X, double Y)>> HotTracks, IReadOnlyList<(double X, double Y, double R)> Stars);

/// <summary>A generated star's true colour, at its place in one of the stacks (<c>truthStack</c>).</summary>
sealed record ColourStar(double X, double Y, double RedToGreen, double BlueToGreen);

/// <summary>
/// Measures several stacks of the same frames the same way: stars for photometry are chosen in the
/// first stack and carried onto each other by matching their stars, so every stack's aperture SNR is
/// the median over the same stars. With colour truth, each RGB stack's star colours are compared with it.
/// </summary>
static class QualityCompare
{
    public static List<MeasuredStack> Measure(IReadOnlyList<(string Label, string Path)> stacks, IReadOnlyList<ColourStar>? colourTruth = null, int truthStack = 0,
        DefectTruth? defects = null)
    {
        var loaded = stacks.Select(s => Load(s.Path)).ToList();
        var first = loaded[0].Field;
        var stars = StackQuality.PhotometryStars(first);
        var maps = new AffineTransform[stacks.Count];
        var flipped = new bool[stacks.Count];
        maps[0] = AffineTransform.Identity;
        for (var i = 1; i < stacks.Count; i++)
        {
            var found = StackQuality.Match(first, loaded[i].Field);
            if (found is null)
            {
                // Some tools write the rows bottom-up: try the image the other way up.
                loaded[i] = Flip(loaded[i]);
                flipped[i] = true;
                found = StackQuality.Match(first, loaded[i].Field);
            }
            maps[i] = found ?? throw new InvalidOperationException($"{stacks[i].Path}: its stars do not match those of {stacks[0].Path}");
        }
        var result = new List<MeasuredStack>();
        for (var i = 0; i < stacks.Count; i++)
        {
            var positions = stars.Select(s => maps[i].Apply(s.X, s.Y)).ToList();
            var figures = StackQuality.Measure(loaded[i].Field, positions);
            var (error, bias) = colourTruth is null || loaded[i].Planes.Count != 3 ? (null, null)
                : Colour(loaded[i], colourTruth, p =>
                {
                    var (fx, fy) = maps[truthStack].Inverse().Apply(p.X, p.Y);
                    return maps[i].Apply(fx, fy);
                });
            (double X, double Y) Place((double X, double Y) p)
            {
                var (fx, fy) = maps[truthStack].Inverse().Apply(p.X, p.Y);
                return maps[i].Apply(fx, fy);
            }
            var census = defects is null ? null
                : DefectTracks.Census(loaded[i].Planes, loaded[i].Width, loaded[i].Height,
                    defects.HotTracks.Select(t => (IReadOnlyList<(double X, double Y)>)t.Select(Place).ToList()).ToList(), defects.Stars.Select(s => Place((s.X, s.Y)) is var p ? (p.X, p.Y, s.R) : default).ToList());
            result.Add(new MeasuredStack(stacks[i].Label, figures, flipped[i], error, bias, census));
        }
        return result;
    }

    // Red/green and blue/green aperture flux ratios of the truth stars against their true values.
    static (double?, double?) Colour(Loaded stack, IReadOnlyList<ColourStar> truth, Func<(double X, double Y), (double X, double Y)> place)
    {
        var planes = stack.Planes.Select(p => new TileCompile.Engine.Imaging.ImagePlane(stack.Width, stack.Height, p)).ToArray();
        var errors = new List<double>();
        foreach (var star in truth)
        {
            var (x, y) = place((star.X, star.Y));
            var flux = planes.Select(p => StackQuality.ApertureFlux(p, x, y)).ToArray();
            if (!flux.All(double.IsFinite) || flux[1] <= 0) continue;
            errors.Add(flux[0] / flux[1] / star.RedToGreen - 1);
            errors.Add(flux[2] / flux[1] / star.BlueToGreen - 1);
        }
        if (errors.Count < 20) return (null, null);
        return (TileCompile.Engine.Imaging.RobustStats.Median(errors.Select(Math.Abs).ToList()), TileCompile.Engine.Imaging.RobustStats.Median(errors));
    }

    sealed record Loaded(StackField Field, List<float[]> Planes, int Width, int Height);

    static Loaded Load(string path)
    {
        using var fits = FitsImage.Open(path);
        var planes = Enumerable.Range(0, fits.Planes).Select(p => fits.ReadPlane(p)).ToList();
        return new Loaded(StackQuality.Analyse(planes, fits.Width, fits.Height), planes, fits.Width, fits.Height);
    }

    static Loaded Flip(Loaded stack)
    {
        var (w, h) = (stack.Width, stack.Height);
        var flipped = stack.Planes.Select(p =>
        {
            var f = new float[p.Length];
            for (var y = 0; y < h; y++) Array.Copy(p, y * w, f, (h - 1 - y) * w, w);
            return f;
        }).ToList();
        return new Loaded(StackQuality.Analyse(flipped, w, h), flipped, w, h);
    }
}

/// <summary>Markdown rows of the quality table.</summary>
static class QualityTable
{
    public const string Header = "| stack | FWHM px (stars) | HFD px | aperture SNR (stars) | stars at 5σ | darkest ring σ | hot / cold residue | pixel noise | star colour vs truth: typical / median error | hot-pixel tracks: > 8σ / mean > 3σ of measured (highest σ) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

    public static string Row(MeasuredStack m)
    {
        var f = m.Figures;
        var colour = m.ColourError is { } e && m.ColourBias is { } b
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{100 * e:0.0} % / {100 * b:+0.0;-0.0} %")
            : "–";
        var tracks = m.Tracks is { } t
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{t.Above8Sigma} / {t.Above3SigmaMean} of {t.Tracks} ({t.MaxSigma:0.0})")
            : "–";
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"| {m.Label} | {f.FwhmPx:0.00} ({f.FwhmStars}) | {f.HfdPx:0.00} | {f.ApertureSnr:0.0} ({f.SnrStars}) | {f.StarsAt5Sigma} | {f.DarkestRingSigma:0.0} | {f.HotResidue} / {f.ColdResidue} | {f.PixelNoise:G3} | {colour} | {tracks} |");
    }
}
