using System.Text.Json;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Pipeline.Phases;
using TileCompile.Engine.Registration;
using TileCompile.Engine.Samples;

namespace TileCompile.Engine.Tests.Support;

/// <summary>A generated session run through the whole pipeline, with its registration report held against the truth.</summary>
internal sealed class RegisteredSession
{
    private RegisteredSession(RegistrationReport report, string json, IReadOnlyList<(RegisteredFrame Frame, double Error)> frames)
    {
        Report = report;
        Json = json;
        Frames = frames;
    }

    public RegistrationReport Report { get; }
    /// <summary>artifacts/registration.json as written.</summary>
    public string Json { get; }
    /// <summary>Every frame with its transform error against the truth (px, RMS over the frame); NaN when excluded.</summary>
    public IReadOnlyList<(RegisteredFrame Frame, double Error)> Frames { get; }

    public static RegisteredSession Run(TempDirectory dir, SampleSkyOptions options, string configYaml)
    {
        var input = Path.Combine(dir.Path, "frames");
        var truth = SampleSkyGenerator.Generate(options, input);
        var config = Path.Combine(dir.Path, "c.yaml");
        File.WriteAllText(config, configYaml);
        var result = StandardPhases.Runner().Start(new StartRequest { InputDir = input, ConfigPath = config, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "session" });
        Assert.True(result.Status == "ok", result.Error);

        var json = File.ReadAllText(Path.Combine(result.RunDir, RegistrationPhase.ReportJson));
        var report = JsonSerializer.Deserialize<RegistrationReport>(json, TileCompile.Engine.Pipeline.PhaseContext.JsonFormat)!;
        var reference = truth.Frames.Single(f => f.File == report.Reference).Index;
        var frames = report.Frames.Select(frame =>
        {
            if (frame.Matrix is null) return (frame, double.NaN);
            var index = truth.Frames.Single(f => f.File == frame.Frame).Index;
            return (frame, Registration.RegistrationAccuracyTests.TransformError(AffineTransform.FromArray(frame.Matrix), truth.ReferenceToFrame(reference, index),
                options.Width, options.Height));
        }).ToList();
        return new RegisteredSession(report, json, frames);
    }
}
