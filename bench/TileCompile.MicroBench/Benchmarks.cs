using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Registration;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Stacking;

namespace TileCompile.MicroBench;

/// <summary>Combining the samples of one pixel: 200 frames, weighted, 1.8σ clipping, 3 iterations.</summary>
[MemoryDiagnoser]
public class PixelCombine
{
    private readonly float[] _values = new float[200];
    private readonly float[] _weights = new float[200];
    private readonly bool[] _keep = new bool[200];
    private readonly float[] _scratch = new float[400];
    private readonly SigmaClipOptions _clip = new(1.8, 1.8, 3, 0.4);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        for (var i = 0; i < _values.Length; i++)
        {
            _values[i] = (float)(1 + 0.05 * (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5));
            _weights[i] = (float)Math.Exp(random.NextDouble() - 0.5);
        }
        _values[17] = 40; // a satellite trail
    }

    [Benchmark]
    public float Weighted() => SigmaClip.Combine(_values, _weights, _keep, _clip, _scratch).Value;

    [Benchmark]
    public float WeightedWithClassic() => SigmaClip.CombineWithClassic(_values, _weights, _keep, _clip, _scratch).Classic;
}

/// <summary>Warping one CFA frame (Seestar size) per Bayer sub-plane.</summary>
[MemoryDiagnoser]
public class Warp
{
    private ImagePlane _frame = null!;
    private readonly AffineTransform _map = new(Math.Cos(0.05), -Math.Sin(0.05), 12.3, Math.Sin(0.05), Math.Cos(0.05), -7.8);

    [GlobalSetup]
    public void Setup() => _frame = Frame(1080, 1920);

    [Benchmark]
    public ImagePlane Lanczos3() => FrameWarper.Warp(_frame, _map, Interpolation.Lanczos3, cfa: true);

    [Benchmark]
    public ImagePlane Bilinear() => FrameWarper.Warp(_frame, _map, Interpolation.Bilinear, cfa: true);

    internal static ImagePlane Frame(int width, int height)
    {
        var truth = SampleSkyGenerator.Plan(new SampleSkyOptions { Width = width, Height = height, Frames = 1, Sensor = SampleSensor.Rggb, Seed = 3 });
        var raw = SampleSkyGenerator.Render(truth, 0);
        var data = new float[raw.Length];
        for (var i = 0; i < raw.Length; i++) data[i] = raw[i];
        return new ImagePlane(width, height, data);
    }
}

/// <summary>Finding and measuring the stars of one CFA frame (Seestar size), as registration does.</summary>
[MemoryDiagnoser]
public class Stars
{
    private ImagePlane _frame = null!;

    [GlobalSetup]
    public void Setup() => _frame = Warp.Frame(1080, 1920);

    [Benchmark]
    public int DetectAndMeasure() => FrameRegistrar.Stars(_frame, BayerPattern.Rggb, 5, 65000).Stars.Count;
}
