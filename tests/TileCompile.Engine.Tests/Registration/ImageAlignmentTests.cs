using TileCompile.Engine.Imaging;
using TileCompile.Engine.Registration;
using Xunit.Abstractions;

namespace TileCompile.Engine.Tests.Registration;

public class ImageAlignmentTests
{
    private readonly ITestOutputHelper _out;
    public ImageAlignmentTests(ITestOutputHelper output) => _out = output;

    private const int Width = 300, Height = 240;

    // Smooth texture with detail on scales of 10–60 px, like filaments of a nebula.
    private static double Texture(double x, double y)
    {
        double v = 0;
        for (var k = 0; k < 12; k++)
            v += Math.Sin((0.05 + 0.02 * k) * x + 1.3 * k) * Math.Cos((0.07 - 0.004 * k) * y + 0.7 * k) * (100 + 10 * k);
        return v;
    }

    private static AffineTransform Rotation(double degrees, double shiftX, double shiftY)
    {
        var rad = degrees * Math.PI / 180;
        return new AffineTransform(Math.Cos(rad), -Math.Sin(rad), shiftX, Math.Sin(rad), Math.Cos(rad), shiftY);
    }

    // The reference samples the texture on its grid; the frame sees the same sky through `truth` (reference → frame).
    private static (ImagePlane Reference, ImagePlane Frame) Pair(AffineTransform truth, double noise, int seed)
    {
        var random = new Random(seed);
        double Noise() => noise * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var inverse = truth.Inverse();
        var reference = new ImagePlane(Width, Height);
        var frame = new ImagePlane(Width, Height);
        for (var y = 0; y < Height; y++)
        for (var x = 0; x < Width; x++)
        {
            reference[x, y] = (float)(1000 + Texture(x, y) + Noise());
            var (sx, sy) = inverse.Apply(x, y);
            // A different sky level and gradient, and 20 % less transparency: none of it may move the answer.
            frame[x, y] = (float)(1400 + 0.8 * Texture(sx, sy) + 0.5 * x - 0.3 * y + Noise());
        }
        return (reference, frame);
    }

    [Theory]
    [InlineData(0.0, 3.3, -2.6, 0.0)]
    [InlineData(5.0, 3.3, -2.6, 0.0)]
    [InlineData(-12.0, -17.4, 8.2, 0.0)]
    [InlineData(5.0, 3.3, -2.6, 60.0)]
    public void RecoversRotationAndShiftFromAStartAPixelOff(double degrees, double shiftX, double shiftY, double noise)
    {
        var truth = Rotation(degrees, shiftX, shiftY);
        var (reference, frame) = Pair(truth, noise, seed: 7);
        var start = truth with { Tx = truth.Tx + 0.8, Ty = truth.Ty - 0.6 };
        var result = ImageAlignment.Refine(ImageAlignment.Prepare(reference), ImageAlignment.Prepare(frame), start);
        Assert.NotNull(result);
        var error = RegistrationAccuracyTests.TransformError(result!.Transform, truth.ToArray(), Width, Height);
        _out.WriteLine($"error {error:F4} px after {result.Iterations} steps, expected precision {result.PrecisionPx:F4} px");
        // Within the noise it reports (and 0.03 px when there is none): the precision is what decides whether
        // the answer replaces the stars' map, so it must be honest.
        Assert.True(error < Math.Max(0.03, 3 * result.PrecisionPx), $"transform error {error:F3} px, reported precision {result.PrecisionPx:F3} px");
        Assert.True(result.PrecisionPx < 0.06, $"precision {result.PrecisionPx:F3} px");
    }

    [Fact]
    public void ImagesOfNothingButNoiseGiveNoAnswer()
    {
        var random = new Random(3);
        ImagePlane NoiseImage()
        {
            var image = new ImagePlane(Width, Height);
            for (var i = 0; i < image.Data.Length; i++) image.Data[i] = (float)(1000 + 30 * (random.NextDouble() - 0.5));
            return image;
        }
        var result = ImageAlignment.Refine(ImageAlignment.Prepare(NoiseImage()), ImageAlignment.Prepare(NoiseImage()), Rotation(2, 1.5, -0.5));
        _out.WriteLine(result is null ? "no answer" : $"precision {result.PrecisionPx:F3} px");
        // Either no settled answer, or one that admits it knows nothing (far worse than any star fit).
        Assert.True(result is null || result.PrecisionPx > 0.3);
    }
}
