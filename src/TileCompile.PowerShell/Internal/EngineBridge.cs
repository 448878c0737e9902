using TileCompile.Engine.Config;
using TileCompile.Engine.Samples;

namespace TileCompile.PowerShell.Internal;

/// <summary>
/// The only place that touches engine types: called from cmdlet method bodies after the module's
/// load context is in place, it returns plain cmdlet-assembly objects.
/// </summary>
internal static class EngineBridge
{
    public static TileSampleSet GenerateSamples(string directory, int frames, int width, int height, TileSampleSensor sensor, int seed,
        Action<int> progress, CancellationToken cancellationToken)
    {
        var options = new SampleSkyOptions
        {
            Frames = frames,
            Width = width,
            Height = height,
            Sensor = sensor == TileSampleSensor.Rggb ? SampleSensor.Rggb : SampleSensor.Mono,
            Seed = seed,
        };
        var truth = SampleSkyGenerator.Generate(options, directory, new Progress(progress), cancellationToken: cancellationToken);
        return new TileSampleSet
        {
            Path = directory,
            FrameCount = truth.Frames.Count,
            Width = width,
            Height = height,
            Sensor = sensor,
            Seed = seed,
            StarCount = truth.Stars.Count,
            TruthPath = Path.Combine(directory, SampleTruth.FileName),
            Files = truth.Frames.Select(f => Path.Combine(directory, f.File)).ToArray(),
        };
    }

    public static void ValidateSampleOptions(int width, int height, TileSampleSensor sensor)
    {
        new SampleSkyOptions { Width = width, Height = height, Sensor = sensor == TileSampleSensor.Rggb ? SampleSensor.Rggb : SampleSensor.Mono }.Validate();
    }

    public static string DefaultConfigYaml() => ConfigSchema.DefaultYaml();

    public static TileConfigTestResult TestConfig(string path)
    {
        try
        {
            var config = TileConfig.Load(path);
            return new TileConfigTestResult { Path = path, IsValid = true, ConfigHash = config.Hash, Issues = config.Warnings.Select(Convert).ToArray() };
        }
        catch (ConfigValidationException e)
        {
            return new TileConfigTestResult { Path = path, IsValid = false, Issues = e.Issues.Select(Convert).ToArray() };
        }
    }

    private static TileConfigIssue Convert(ConfigIssue i) => new()
    {
        Severity = i.Severity == ConfigIssueSeverity.Error ? TileConfigIssueSeverity.Error : TileConfigIssueSeverity.Warning,
        Path = i.Source,
        Line = i.Line,
        Column = i.Column,
        Key = i.Key,
        Message = i.Message,
    };

    // Generator progress arrives on worker threads; the cmdlet only reads a counter from its own thread.
    private sealed class Progress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
