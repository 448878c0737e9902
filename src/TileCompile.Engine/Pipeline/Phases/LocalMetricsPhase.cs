using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Metrics;
using TileCompile.Engine.Registration;
using TileCompile.Engine.Contracts;
using Keys = TileCompile.Engine.Config.ConfigKeys.LocalMetrics;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>
/// Phase 6: quality per frame, tile and channel. STAR tiles are scored by FWHM, roundness and contrast:
/// the FWHM from a seeing plane fitted to all of the frame's stars (evaluated at the tile centre),
/// roundness and contrast from the tile's own stars. Every tile is a STAR tile when the field has
/// enough stars to fit the plane; otherwise tiles with fewer than <c>tile.star_min_count</c> stars are
/// STRUCTURE tiles, scored by gradient energy over noise and background. <c>L = exp(clip(Q))</c>,
/// effective weight <c>W = G·L</c>.
/// </summary>
public sealed class LocalMetricsPhase : IPipelinePhase
{
    /// <summary>Consumed weights.</summary>
    public const string WeightsPath = LocalWeightsFile.Path;

    /// <summary>Smallest spread of a tile metric, relative to its median, that z-scores are taken against.</summary>
    public const double RelativeFloor = 0.03;
    private const string ReportJson = "artifacts/local_metrics.json";
    private const int MaxStarsPerTile = 25;
    private const int MaxFieldStars = 600;
    private const int MinFieldStars = 30;

    /// <inheritdoc />
    public PhaseId Id => PhaseId.LocalMetrics;
    /// <inheritdoc />
    public int AlgoVersion => 6;
    /// <inheritdoc />
    public IReadOnlyList<ConfigKey> ConfigKeys { get; } = new ConfigKey[]
    {
        Keys.Method, Keys.FwhmExponent, Keys.Clamp, Keys.WeightExponentScale, Keys.NoiseBudget, Keys.StarFwhm, Keys.StarRoundness, Keys.StarContrast, Keys.StructureMetric, Keys.StructureBackground,
        Config.ConfigKeys.Tile.StarMinCount,
    };
    /// <inheritdoc />
    public IReadOnlyList<PhaseId> Reads { get; } = new[] { PhaseId.Registration, PhaseId.ChannelSplit, PhaseId.Normalization, PhaseId.GlobalMetrics, PhaseId.TileGrid };
    /// <inheritdoc />
    public bool ReadsArtifact(PhaseId upstream, string path) => ImageArtifacts.AllButDrizzle(upstream, path);
    /// <inheritdoc />
    public bool ReadsInputFrames => false;

    /// <inheritdoc />
    public void Run(PhaseContext context)
    {
        var registration = context.Read(ArtifactCatalog.Registration);
        var channels = context.Read(ArtifactCatalog.Channels);
        var norm = context.Read(ArtifactCatalog.Normalization);
        var global = context.Read(ArtifactCatalog.GlobalMetrics);
        var grid = context.Read(ArtifactCatalog.TileGrid);
        var n = channels.Frames.Count;
        var nc = channels.Channels.Count;
        var tiles = new List<(int X, int Y)>();
        foreach (var y in grid.Ys) foreach (var x in grid.Xs) tiles.Add((x, y));
        var nt = tiles.Count;
        var minStars = context.Config.Get(Config.ConfigKeys.Tile.StarMinCount);
        var tileStars = tiles.Select(t => registration.ReferenceStars
            .Where(s => s[0] >= t.X && s[0] < t.X + grid.TileSize && s[1] >= t.Y && s[1] < t.Y + grid.TileSize)
            .Take(MaxStarsPerTile).ToList()).ToList();
        // A tile is a STAR tile when it holds enough reference stars itself, or when the field has enough
        // stars that the fitted seeing plane is well determined everywhere (a tile without stars still has seeing).
        var fieldDetermined = registration.ReferenceStars.Count >= MinFieldStars;
        var ownStars = tileStars.Select(s => s.Count >= minStars).ToArray();
        var isStar = ownStars.Select(own => own || fieldDetermined).ToArray();

        // m1, m2, m3: FWHM, roundness, contrast for STAR tiles; E/σ, B, unused for STRUCTURE tiles.
        var fieldStars = registration.ReferenceStars.Take(MaxFieldStars).ToList();
        var perFrame = PerFrameDriver.Run(context, channels.Frames.Select(fr => fr.Frame).ToList(), f =>
        {
            using var cube = FitsImage.Open(context.Paths.Resolve(channels.Frames[f].Path));
            var metrics = new TileMeasures(new double[nc][], new double[nc][], new double[nc][]);
            for (var c = 0; c < nc; c++)
                (metrics.M1[c], metrics.M2[c], metrics.M3[c]) = TileMetrics.Measure(ImageMetrics.NormalizedPlane(cube, c, norm.Frames[f].Background[c]), tiles, grid.TileSize, isStar, fieldStars);
            return metrics;
        });
        var m1 = perFrame.Select(p => p.M1).ToArray();
        var m2 = perFrame.Select(p => p.M2).ToArray();
        var m3 = perFrame.Select(p => p.M3).ToArray();

        var clamp = context.Config.Get(Keys.Clamp);
        var rule = new LocalWeightRule(context.Config.Get(Keys.Method) == "snr", context.Config.Get(Keys.FwhmExponent), clamp.Low, clamp.High,
            context.Config.Get(Keys.WeightExponentScale), context.Config.Get(Keys.NoiseBudget),
            context.Config.Get(Keys.StarFwhm), context.Config.Get(Keys.StarRoundness), context.Config.Get(Keys.StarContrast),
            context.Config.Get(Keys.StructureMetric), context.Config.Get(Keys.StructureBackground), RelativeFloor);
        var (quality, weight) = LocalWeightCubes.Compute(m1, m2, m3, global.Frames.Select(f => f.Weight).ToList(), isStar, rule);

        var cubes = new LocalWeights
        {
            Channels = channels.Channels,
            Frames = channels.Frames.Select(f => f.Frame).ToList(),
            TileTypes = isStar.Select(s => s ? "STAR" : "STRUCTURE").ToList(),
            Quality = quality,
            Weight = weight,
        };
        context.WriteArtifact(WeightsPath, s => LocalWeightsFile.Write(s, cubes));
        var all = weight.SelectMany(f => f.SelectMany(c => c)).OrderBy(v => v).ToArray();
        context.WriteJson(ReportJson, new
        {
            tiles = nt,
            star_tiles = isStar.Count(s => s),
            star_tiles_with_own_stars = ownStars.Count(s => s),
            structure_tiles = isStar.Count(s => !s),
            weight_min = all.Length > 0 ? all[0] : 0,
            weight_median = all.Length > 0 ? all[all.Length / 2] : 0,
            weight_max = all.Length > 0 ? all[^1] : 0,
        }, consumed: false);
        context.SetFact("star_tiles", isStar.Count(s => s));
        context.SetFact("tiles", nt);
    }

    // One frame's tile metrics per channel: FWHM, roundness and contrast of STAR tiles; E/σ and B of STRUCTURE tiles.
    private sealed record TileMeasures(double[][] M1, double[][] M2, double[][] M3);
}
