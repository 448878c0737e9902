using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Registration;
using Keys = TileCompile.Engine.Config.ConfigKeys.LocalMetrics;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>
/// Phase 6: quality per frame, tile and channel. STAR tiles (enough reference stars) are scored by
/// the FWHM, roundness and contrast of their stars; STRUCTURE tiles by gradient energy over noise
/// and background. <c>L = exp(clip(Q))</c>, effective weight <c>W = G·L</c>.
/// </summary>
public sealed class LocalMetricsPhase : IPipelinePhase
{
    /// <summary>Consumed weights.</summary>
    public const string WeightsJson = "work/weights.json";
    private const string ReportJson = "artifacts/local_metrics.json";
    private const int MaxStarsPerTile = 25;

    /// <inheritdoc />
    public PhaseId Id => PhaseId.LocalMetrics;
    /// <inheritdoc />
    public int AlgoVersion => 1;
    /// <inheritdoc />
    public IReadOnlyList<ConfigKey> ConfigKeys { get; } = new ConfigKey[]
    {
        Keys.Clamp, Keys.StarFwhm, Keys.StarRoundness, Keys.StarContrast, Keys.StructureMetric, Keys.StructureBackground,
        Config.ConfigKeys.Tile.StarMinCount,
    };
    /// <inheritdoc />
    public IReadOnlyList<PhaseId> Reads { get; } = new[] { PhaseId.Registration, PhaseId.ChannelSplit, PhaseId.Normalization, PhaseId.GlobalMetrics, PhaseId.TileGrid };
    /// <inheritdoc />
    public bool ReadsInputFrames => false;

    /// <inheritdoc />
    public void Run(PhaseContext context)
    {
        var registration = context.ReadJson<RegistrationReport>(RegistrationPhase.ReportJson);
        var channels = context.ReadJson<ChannelReport>(ChannelSplitPhase.ReportJson);
        var norm = context.ReadJson<NormalizationReport>(NormalizationPhase.ReportJson);
        var global = context.ReadJson<GlobalMetricsReport>(GlobalMetricsPhase.ReportJson);
        var grid = context.ReadJson<TileGridReport>(TileGridPhase.ReportJson);
        var n = channels.Frames.Count;
        var nc = channels.Channels.Count;
        var tiles = new List<(int X, int Y)>();
        foreach (var y in grid.Ys) foreach (var x in grid.Xs) tiles.Add((x, y));
        var nt = tiles.Count;
        var minStars = context.Config.Get(Config.ConfigKeys.Tile.StarMinCount);
        var tileStars = tiles.Select(t => registration.ReferenceStars
            .Where(s => s[0] >= t.X && s[0] < t.X + grid.TileSize && s[1] >= t.Y && s[1] < t.Y + grid.TileSize)
            .Take(MaxStarsPerTile).ToList()).ToList();
        var isStar = tileStars.Select(s => s.Count >= minStars).ToArray();

        // m1, m2, m3: FWHM, roundness, contrast for STAR tiles; E/σ, B, unused for STRUCTURE tiles.
        var m1 = Cube(n, nc, nt);
        var m2 = Cube(n, nc, nt);
        var m3 = Cube(n, nc, nt);
        var done = 0;
        Parallel.For(0, n, context.ParallelOptions, f =>
        {
            using var cube = FitsImage.Open(context.Paths.Resolve(channels.Frames[f].Path));
            for (var c = 0; c < nc; c++)
            {
                var plane = ImageMetrics.NormalizedPlane(cube, c, norm.Frames[f].Background[c]);
                var bg = BackgroundModel.Estimate(plane, 32);
                for (var t = 0; t < nt; t++)
                {
                    var (x0, y0) = tiles[t];
                    if (isStar[t])
                    {
                        var fw = new List<double>();
                        var ro = new List<double>();
                        var co = new List<double>();
                        foreach (var s in tileStars[t])
                        {
                            var m = StarDetector.Measure(plane, bg, s[0], s[1]);
                            if (m is null) continue;
                            fw.Add(m.Fwhm);
                            ro.Add(m.Roundness);
                            co.Add(m.Peak / Math.Max(m.Background, 1e-6));
                        }
                        m1[f][c][t] = RobustStats.Median(fw);
                        m2[f][c][t] = RobustStats.Median(ro);
                        m3[f][c][t] = RobustStats.Median(co);
                    }
                    else
                    {
                        var e = ImageMetrics.GradientEnergy(plane, x0, y0, grid.TileSize, grid.TileSize, step: 2);
                        var s = ImageMetrics.Noise(plane, x0, y0, grid.TileSize, grid.TileSize);
                        m1[f][c][t] = e / Math.Max(s, 1e-9);
                        m2[f][c][t] = ImageMetrics.Median(plane, x0, y0, grid.TileSize, grid.TileSize);
                    }
                }
            }
            context.Progress(Interlocked.Increment(ref done), n);
        });

        var clamp = context.Config.Get(Keys.Clamp);
        var (wf, wr, wc) = (context.Config.Get(Keys.StarFwhm), context.Config.Get(Keys.StarRoundness), context.Config.Get(Keys.StarContrast));
        var (wm, wb) = (context.Config.Get(Keys.StructureMetric), context.Config.Get(Keys.StructureBackground));
        var quality = Cube(n, nc, nt);
        var weight = Cube(n, nc, nt);
        for (var c = 0; c < nc; c++)
        {
            for (var t = 0; t < nt; t++)
            {
                var z1 = RobustStats.ZScores(Enumerable.Range(0, n).Select(f => m1[f][c][t]).ToList());
                var z2 = RobustStats.ZScores(Enumerable.Range(0, n).Select(f => m2[f][c][t]).ToList());
                var z3 = RobustStats.ZScores(Enumerable.Range(0, n).Select(f => m3[f][c][t]).ToList());
                for (var f = 0; f < n; f++)
                {
                    var q = isStar[t] ? wf * -z1[f] + wr * z2[f] + wc * z3[f] : wm * z1[f] - wb * z2[f];
                    quality[f][c][t] = q;
                    weight[f][c][t] = global.Frames[f].Weight[c] * Math.Exp(Math.Clamp(q, clamp.Low, clamp.High));
                }
            }
        }

        context.WriteJson(WeightsJson, new LocalWeights
        {
            Channels = channels.Channels,
            Frames = channels.Frames.Select(f => f.Frame).ToList(),
            TileTypes = isStar.Select(s => s ? "STAR" : "STRUCTURE").ToList(),
            Quality = quality,
            Weight = weight,
        });
        var all = weight.SelectMany(f => f.SelectMany(c => c)).OrderBy(v => v).ToArray();
        context.WriteJson(ReportJson, new
        {
            tiles = nt,
            star_tiles = isStar.Count(s => s),
            structure_tiles = isStar.Count(s => !s),
            weight_min = all.Length > 0 ? all[0] : 0,
            weight_median = all.Length > 0 ? all[all.Length / 2] : 0,
            weight_max = all.Length > 0 ? all[^1] : 0,
        }, consumed: false);
        context.SetFact("star_tiles", isStar.Count(s => s));
        context.SetFact("tiles", nt);
    }

    private static double[][][] Cube(int n, int nc, int nt) =>
        Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, nc).Select(_ => new double[nt]).ToArray()).ToArray();
}
