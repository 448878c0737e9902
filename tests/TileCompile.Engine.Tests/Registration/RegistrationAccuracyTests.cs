using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Registration;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;
using Xunit.Abstractions;

namespace TileCompile.Engine.Tests.Registration;

public class RegistrationAccuracyTests
{
    private readonly ITestOutputHelper _out;
    public RegistrationAccuracyTests(ITestOutputHelper output) => _out = output;

    internal static double TransformError(AffineTransform recovered, double[] truth, int width, int height)
    {
        double sum = 0;
        var n = 0;
        for (var y = 0; y < height; y += height / 8)
        for (var x = 0; x < width; x += width / 8)
        {
            var (rx, ry) = recovered.Apply(x, y);
            var tx = truth[0] * x + truth[1] * y + truth[2];
            var ty = truth[3] * x + truth[4] * y + truth[5];
            sum += (rx - tx) * (rx - tx) + (ry - ty) * (ry - ty);
            n++;
        }
        return Math.Sqrt(sum / n);
    }

    [Theory]
    [InlineData(SampleSensor.Mono, 11, 10.0, 25.0)]
    [InlineData(SampleSensor.Rggb, 12, 10.0, 25.0)]
    [InlineData(SampleSensor.Mono, 13, 10.0, 25.0)]
    [InlineData(SampleSensor.Mono, 14, 30.0, 25.0)]
    [InlineData(SampleSensor.Rggb, 15, 30.0, 25.0)]
    public void RecoveredTransformsMatchTruthWithinATenthOfAPixel(SampleSensor sensor, int seed, double rotation, double density)
    {
        using var dir = new TempDirectory();
        var options = new SampleSkyOptions { Width = 400, Height = 320, Frames = 6, Sensor = sensor, Seed = seed, FieldRotationDegrees = rotation, DriftPixels = 40, HotPixels = 200, BadFrame = false, StarDensity = density };
        var truth = SampleSkyGenerator.Generate(options, dir.Path);
        var cfa = sensor == SampleSensor.Rggb;
        FrameStars Load(int i)
        {
            using var img = FitsImage.Open(dir.File(truth.Frames[i].File));
            var raw = new ImagePlane(img.Width, img.Height, img.ReadPlane());
            return FrameRegistrar.Stars(raw, cfa ? BayerPattern.Rggb : null, 5, 60000);
        }
        var reference = Load(2);
        for (var f = 0; f < truth.Frames.Count; f++)
        {
            var outcome = FrameRegistrar.Register(reference, Load(f), cfa, new MatchOptions(), 6, 1.5);
            Assert.True(outcome.Reason is null, $"frame {f}: {outcome.Reason}");
            var error = TransformError(outcome.Transform, truth.ReferenceToFrame(2, f), options.Width, options.Height);
            _out.WriteLine($"frame {f}: error {error:F4} px, inliers {outcome.Inliers}, rms {outcome.RmsPx:F3}, {outcome.Method}");
            Assert.True(error < 0.1, $"frame {f}: transform error {error:F3} px");
        }
    }
}
