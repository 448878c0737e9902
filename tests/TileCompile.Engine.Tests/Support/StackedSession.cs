using System.Text.Json;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Metrics;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Pipeline.Phases;
using TileCompile.Engine.Samples;

namespace TileCompile.Engine.Tests.Support;

/// <summary>A generated session stacked once in reduced mode, with its truth; deleted on dispose.</summary>
public sealed class StackedSession : IDisposable
{
    private const string Reduced = "assumptions:\n  frames_min: 5\n  frames_reduced_threshold: 100\n";
    private readonly TempDirectory _dir;

    private StackedSession(TempDirectory dir, SampleTruth truth, RunOutcome outcome)
    {
        _dir = dir;
        Truth = truth;
        Outcome = outcome;
    }

    /// <summary>What the generator put in the frames.</summary>
    public SampleTruth Truth { get; }
    /// <summary>The finished run (status ok).</summary>
    public RunOutcome Outcome { get; }

    /// <summary>
    /// Generates <paramref name="options"/>, lets <paramref name="rewrite"/> change every frame's header (the frames are
    /// then written again as float32), and stacks them with <paramref name="config"/> in reduced mode.
    /// </summary>
    public static StackedSession Run(SampleSkyOptions options, string config = "", Action<FitsHeader>? rewrite = null)
    {
        var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "frames");
        var truth = SampleSkyGenerator.Generate(options, input);
        if (rewrite is not null) Rewrite(input, rewrite);
        var configPath = Path.Combine(dir.Path, "config.yaml");
        File.WriteAllText(configPath, Reduced + config);
        var outcome = StandardPhases.Runner().Start(new StartRequest { InputDir = input, ConfigPath = configPath, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "run" });
        Assert.True(outcome.Status == "ok", outcome.Error);
        return new StackedSession(dir, truth, outcome);
    }

    private static void Rewrite(string input, Action<FitsHeader> rewrite)
    {
        foreach (var file in Directory.GetFiles(input, "*.fit"))
        {
            float[] data;
            FitsHeader header;
            int w, h;
            using (var fits = FitsImage.Open(file))
            {
                data = fits.ReadPlane();
                header = fits.Header.Clone();
                (w, h) = (fits.Width, fits.Height);
            }
            rewrite(header);
            using var stream = File.Create(file);
            FitsWriter.WriteFloat32(stream, data, w, h, header: header);
        }
    }

    /// <summary>A file of the run.</summary>
    public string Artifact(string relative) => Path.Combine(Outcome.RunDir, relative);

    /// <summary>Truth of the frame everything was registered onto.</summary>
    public TruthFrame Reference()
    {
        var name = JsonDocument.Parse(File.ReadAllText(Artifact(RegistrationPhase.ReportJson))).RootElement.GetProperty("reference").GetString();
        return Truth.Frames.Single(f => f.File == name);
    }

    /// <summary>
    /// Bright, unsaturated stars of the truth with no star a tenth as bright within 10 px, at their place on the
    /// reference grid, at least 20 px inside a <paramref name="width"/>×<paramref name="height"/> image.
    /// </summary>
    public List<(TruthStar Star, double X, double Y)> Measurable(int width, int height, double minFlux = 2000, double maxFlux = 60000, double margin = 20)
    {
        var frame = Reference();
        var placed = Truth.Stars.Select(t => (Star: t, Pos: frame.SkyToFrame(t.X, t.Y))).ToList();
        return placed
            .Where(p => p.Star.Flux > minFlux && p.Star.Flux < maxFlux && p.Pos.X > margin && p.Pos.Y > margin && p.Pos.X < width - 1 - margin && p.Pos.Y < height - 1 - margin)
            .Where(p => !placed.Any(o => !ReferenceEquals(o.Star, p.Star) && o.Star.Flux > 0.1 * p.Star.Flux
                                         && Math.Pow(o.Pos.X - p.Pos.X, 2) + Math.Pow(o.Pos.Y - p.Pos.Y, 2) < 10 * 10))
            .Select(p => (p.Star, p.Pos.X, p.Pos.Y)).ToList();
    }

    /// <summary>
    /// For every measurable star of the RGB output, the relative error of its red/green and blue/green aperture flux
    /// ratios against the truth (two entries a star). Asserts that at least 12 stars could be measured.
    /// </summary>
    public List<double> ColourErrors()
    {
        using var image = FitsImage.Open(Outcome.Output!);
        Assert.Equal(3, image.Planes);
        var planes = Enumerable.Range(0, 3).Select(c => new ImagePlane(image.Width, image.Height, image.ReadPlane(c))).ToArray();
        var errors = new List<double>();
        foreach (var (star, x, y) in Measurable(image.Width, image.Height))
        {
            var flux = planes.Select(p => StackQuality.ApertureFlux(p, x, y)).ToArray();
            errors.Add(flux[0] / flux[1] / (star.Red / star.Green) - 1);
            errors.Add(flux[2] / flux[1] / (star.Blue / star.Green) - 1);
        }
        Assert.True(errors.Count >= 20, $"only {errors.Count / 2} measurable stars");
        return errors;
    }

    /// <inheritdoc />
    public void Dispose() => _dir.Dispose();
}
