using TileCompile.Engine.Imaging;
using TileCompile.Engine.Pipeline.Phases;
using TileCompile.Engine.Samples;
using Xunit.Abstractions;

namespace TileCompile.Engine.Tests.Pipeline;

/// <summary>Seeing that changes over the session (±30 %) and across the field (±25 %), run in full mode.</summary>
public sealed class VaryingSeeingFixture : PipelineFixture
{
    public VaryingSeeingFixture() : base(new SampleSkyOptions
    {
        Width = 384, Height = 320, Frames = 40, Seed = 71, StarDensity = 50, BadFrame = false, ExtendedObject = false,
    // Pinned to the published quality weighting, which this test's sharpening target was set for; the SNR default
    // sharpens less (4 % here) and is held to signal-to-noise by the benchmark and DefectRegressionTests instead.
    }, "assumptions:\n  frames_min: 5\n  frames_reduced_threshold: 10\nlocal_metrics:\n  method: quality\nglobal_metrics:\n  method: quality\n") { }
}

public class SharpnessTests : IClassFixture<VaryingSeeingFixture>
{
    private readonly VaryingSeeingFixture _fx;
    private readonly ITestOutputHelper _out;

    public SharpnessTests(VaryingSeeingFixture fixture, ITestOutputHelper output)
    {
        _fx = fixture;
        _out = output;
    }

    private (ImagePlane Result, ImagePlane Mean, TruthFrame Reference) Images()
    {
        Assert.True(_fx.Outcome.Status == "ok", _fx.Outcome.Error);
        return (_fx.Image(StackingPhase.StackedFit), _fx.Image(TileReconstructionPhase.ClassicPath("L")), _fx.ReferenceFrame());
    }

    [Fact]
    public void StarsAreSharperThanInThePlainMeanAtLittleMoreNoise()
    {
        var (result, mean, reference) = Images();
        var bgResult = BackgroundModel.Estimate(result, 32);
        var bgMean = BackgroundModel.Estimate(mean, 32);
        var positions = _fx.Truth.Stars.Select(s => reference.SkyToFrame(s.X, s.Y)).ToList();
        var hr = new List<double>();
        var hm = new List<double>();
        for (var i = 0; i < _fx.Truth.Stars.Count; i++)
        {
            var star = _fx.Truth.Stars[i];
            var (x, y) = positions[i];
            if (star.Flux is < 800 or > 40000 || x < 15 || y < 15 || x > result.Width - 16 || y > result.Height - 16) continue;
            var crowded = false;
            for (var j = 0; j < positions.Count && !crowded; j++)
                crowded = j != i && _fx.Truth.Stars[j].Flux > 0.2 * star.Flux && Math.Abs(positions[j].X - x) + Math.Abs(positions[j].Y - y) < 12;
            if (crowded) continue;
            hr.Add(HalfFluxDiameter.Measure(result, x, y, bgResult.At(x, y), 10));
            hm.Add(HalfFluxDiameter.Measure(mean, x, y, bgMean.At(x, y), 10));
        }
        Assert.True(hr.Count >= 20, $"only {hr.Count} stars");
        var gain = 100 * (1 - RobustStats.Median(hr) / RobustStats.Median(hm));

        // Background noise relative to the background level (the result is on the reference frame's scale).
        double Noise(ImagePlane image, BackgroundModel bg)
        {
            var residual = new List<float>();
            for (var y = 10; y < image.Height - 10; y += 2)
            for (var x = 10; x < image.Width - 10; x += 2)
            {
                if (positions.Any(p => Math.Abs(p.X - x) < 8 && Math.Abs(p.Y - y) < 8)) continue;
                residual.Add(image[x, y] - bg.At(x, y));
            }
            return RobustStats.SampledSigma(residual.ToArray(), 0) / bg.Level;
        }
        var noiseRatio = Noise(result, bgResult) / Noise(mean, bgMean);
        _out.WriteLine($"{hr.Count} stars: HFD {RobustStats.Median(hr):F3} px against {RobustStats.Median(hm):F3} px ({gain:+0.0} %), noise ratio {noiseRatio:F3}");
        Assert.True(gain >= 8, $"HFD only {gain:F1} % below the plain mean");
        Assert.True(noiseRatio <= 1.15, $"background noise {noiseRatio:F3} × the plain mean's");
    }

    [Fact]
    public void AtLeastAsManyFaintTruthStarsStandOutAtFiveSigmaAsInThePlainMean()
    {
        var (result, mean, reference) = Images();
        var positions = _fx.Truth.Stars.Select(s => reference.SkyToFrame(s.X, s.Y)).ToList();
        // Detection in its plain sense: the image smoothed with a star-sized Gaussian (a matched filter) rises at
        // least 5 sigmas of its own background noise above the background within a pixel of the truth position.
        // No shape filters: a catalogue's rules for rejecting galaxies would judge the two images differently.
        int Detected(ImagePlane image)
        {
            var smooth = Smooth(image);
            var bg = BackgroundModel.Estimate(smooth, 32);
            var residual = new List<float>();
            for (var y = 10; y < image.Height - 10; y += 2)
            for (var x = 10; x < image.Width - 10; x += 2)
            {
                if (positions.Any(p => Math.Abs(p.X - x) < 8 && Math.Abs(p.Y - y) < 8)) continue;
                residual.Add(smooth[x, y] - bg.At(x, y));
            }
            var sigma = RobustStats.SampledSigma(residual.ToArray(), 0);
            var count = 0;
            foreach (var (px, py) in positions)
            {
                var ix = (int)Math.Round(px);
                var iy = (int)Math.Round(py);
                if (ix < 10 || iy < 10 || ix >= image.Width - 10 || iy >= image.Height - 10) continue;
                var peak = float.NegativeInfinity;
                for (var dy = -1; dy <= 1; dy++)
                for (var dx = -1; dx <= 1; dx++)
                    peak = Math.Max(peak, smooth[ix + dx, iy + dy] - bg.At(ix + dx, iy + dy));
                if (peak >= 5 * sigma) count++;
            }
            return count;
        }
        var inResult = Detected(result);
        var inMean = Detected(mean);
        _out.WriteLine($"truth stars at 5σ: {inResult} in the result, {inMean} in the plain mean");
        Assert.True(inResult >= inMean, $"{inResult} truth stars stand out at 5σ in the result, {inMean} in the plain mean");
    }

    private static ImagePlane Smooth(ImagePlane image)
    {
        var k = new double[5];
        for (var i = 0; i < 5; i++) k[i] = Math.Exp(-(i - 2) * (i - 2) / 2.0);
        var sum = k.Sum();
        var rows = new ImagePlane(image.Width, image.Height);
        var result = new ImagePlane(image.Width, image.Height);
        for (var y = 0; y < image.Height; y++)
        for (var x = 2; x < image.Width - 2; x++)
        {
            double v = 0;
            for (var i = 0; i < 5; i++) v += k[i] * image[x + i - 2, y];
            rows.Data[y * image.Width + x] = (float)(v / sum);
        }
        for (var y = 2; y < image.Height - 2; y++)
        for (var x = 0; x < image.Width; x++)
        {
            double v = 0;
            for (var i = 0; i < 5; i++) v += k[i] * rows[x, y + i - 2];
            result.Data[y * image.Width + x] = (float)(v / sum);
        }
        return result;
    }
}
