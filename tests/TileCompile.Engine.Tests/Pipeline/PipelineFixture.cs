using System.Text.Json;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Pipeline.Phases;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

/// <summary>A generated session run through the real pipeline once, shared by the tests of a class.</summary>
public abstract class PipelineFixture : IDisposable
{
    private readonly TempDirectory _dir = new();

    protected PipelineFixture(SampleSkyOptions options, string config = "")
    {
        InputDir = Path.Combine(_dir.Path, "frames");
        RunsRoot = Path.Combine(_dir.Path, "runs");
        Truth = SampleSkyGenerator.Generate(options, InputDir);
        ConfigPath = Path.Combine(_dir.Path, "config.yaml");
        File.WriteAllText(ConfigPath, config);
        Outcome = Run("main");
    }

    public string InputDir { get; }
    public string RunsRoot { get; }
    public string ConfigPath { get; }
    public SampleTruth Truth { get; }
    public RunOutcome Outcome { get; }

    public RunOutcome Run(string runId, int parallelism = 0, string? runsRoot = null) =>
        StandardPhases.Runner().Start(new StartRequest
        {
            InputDir = InputDir,
            ConfigPath = ConfigPath,
            RunsRoot = runsRoot ?? RunsRoot,
            RunId = runId,
            Parallelism = parallelism,
        });

    public string Artifact(string relative) => Path.Combine(Outcome.RunDir, relative);

    /// <summary>The first plane of a FITS artifact of the main run.</summary>
    public ImagePlane Image(string relative)
    {
        using var image = FitsImage.Open(Artifact(relative));
        return new ImagePlane(image.Width, image.Height, image.ReadPlane());
    }

    /// <summary>Truth of the frame the main run registered everything onto.</summary>
    public TruthFrame ReferenceFrame()
    {
        var name = JsonDocument.Parse(File.ReadAllText(Artifact(RegistrationPhase.ReportJson))).RootElement.GetProperty("reference").GetString();
        return Truth.Frames.Single(f => f.File == name);
    }

    public void Dispose()
    {
        _dir.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class MonoPipelineFixture : PipelineFixture
{
    public MonoPipelineFixture() : base(new SampleSkyOptions { Width = 320, Height = 256, Frames = 24, Seed = 21, HotPixels = 60 }) { }
}

public sealed class ColourPipelineFixture : PipelineFixture
{
    public ColourPipelineFixture() : base(new SampleSkyOptions { Width = 320, Height = 256, Frames = 24, Seed = 22, Sensor = SampleSensor.Rggb },
        "assumptions:\n  frames_min: 5\n  frames_reduced_threshold: 10\nsynthetic:\n  clustering:\n    cluster_count_range: [3, 6]\n") { }
}
