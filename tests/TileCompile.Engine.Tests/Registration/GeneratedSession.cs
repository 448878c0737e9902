using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Registration;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Registration;

/// <summary>A generated session on disk with its truth, and the stars of each frame as registration sees them.</summary>
internal sealed class GeneratedSession : IDisposable
{
    private readonly TempDirectory _dir = new();

    public GeneratedSession(SampleSkyOptions options)
    {
        Options = options;
        Truth = SampleSkyGenerator.Generate(options, _dir.Path);
        Stars = Enumerable.Range(0, options.Frames).Select(Load).ToArray();
        // As the pipeline does: the frame with the best quick score is the reference.
        Reference = Enumerable.Range(0, options.Frames).MaxBy(i => Stars[i].QuickScore);
    }

    public SampleSkyOptions Options { get; }
    public SampleTruth Truth { get; }
    public FrameStars[] Stars { get; }
    public int Reference { get; }
    public bool Cfa => Options.Sensor == SampleSensor.Rggb;

    public RegistrationOutcome Register(int frame, RegistrationEngine engine = RegistrationEngine.StarMatching, MatchOptions? options = null) =>
        FrameRegistrar.Register(Stars[Reference], Stars[frame], Cfa, options ?? new MatchOptions(), 6, 1.5, engine);

    /// <summary>RMS over a grid across the frame of |true − recovered| position (full-resolution px).</summary>
    public double Error(int frame, AffineTransform recovered) =>
        RegistrationAccuracyTests.TransformError(recovered, Truth.ReferenceToFrame(Reference, frame), Options.Width, Options.Height);

    private FrameStars Load(int i)
    {
        using var img = FitsImage.Open(_dir.File(Truth.Frames[i].File));
        var raw = new ImagePlane(img.Width, img.Height, img.ReadPlane());
        return FrameRegistrar.Stars(raw, Cfa ? BayerPattern.Rggb : null, 5, 60000);
    }

    public void Dispose() => _dir.Dispose();
}
