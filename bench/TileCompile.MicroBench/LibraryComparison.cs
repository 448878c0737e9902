using BenchmarkDotNet.Attributes;
using MathNet.Numerics.IntegralTransforms;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Statistics;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Numerics;
using TileCompile.Engine.Registration;

namespace TileCompile.MicroBench;

/// <summary>
/// The engine's hand-written numerics against MathNet.Numerics on the sizes the pipeline uses: a 256×256
/// phase-correlation FFT, the 6×6 normal equations of the image-alignment fit, the median of a sampled
/// frame (100,000 floats) and of a star list (400 doubles).
/// </summary>
[MemoryDiagnoser]
public class LibraryComparison
{
    private const int FftSize = 256;
    private double[] _re = null!, _im = null!, _re0 = null!, _im0 = null!;
    private double[,] _normal = null!;
    private double[] _rhs = null!;
    private Matrix<double> _matrix = null!;
    private Vector<double> _vector = null!;
    private float[] _frame = null!;
    private float[] _frameCopy = null!;
    private double[] _stars = null!;
    private double[] _starsCopy = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        _re0 = new double[FftSize * FftSize];
        _im0 = new double[FftSize * FftSize];
        for (var i = 0; i < _re0.Length; i++) _re0[i] = Gaussian(random);
        _re = new double[_re0.Length];
        _im = new double[_im0.Length];
        // A symmetric positive definite 6×6 system, as the normal equations are.
        var a = new double[12, 6];
        for (var r = 0; r < 12; r++) for (var c = 0; c < 6; c++) a[r, c] = Gaussian(random);
        _normal = new double[6, 6];
        for (var i = 0; i < 6; i++) for (var j = 0; j < 6; j++) for (var r = 0; r < 12; r++) _normal[i, j] += a[r, i] * a[r, j];
        _rhs = Enumerable.Range(0, 6).Select(_ => Gaussian(random)).ToArray();
        _matrix = Matrix<double>.Build.DenseOfArray(_normal);
        _vector = Vector<double>.Build.Dense(_rhs);
        _frame = Enumerable.Range(0, 100_000).Select(_ => (float)(600 + 20 * Gaussian(random))).ToArray();
        _frameCopy = new float[_frame.Length];
        _stars = Enumerable.Range(0, 400).Select(_ => 2.5 + 0.3 * Gaussian(random)).ToArray();
        _starsCopy = new double[_stars.Length];
    }

    [Benchmark(Description = "FFT 256², engine (separate re/im planes)")]
    public double FftEngine()
    {
        _re0.CopyTo(_re, 0);
        _im0.CopyTo(_im, 0);
        Fft2D.Transform(_re, _im, FftSize, inverse: false);
        return _re[1];
    }

    // MathNet's Forward2D needs a native provider (NotSupportedException with the managed one), so its 1-D
    // transform runs over rows and columns as the engine's does.
    [Benchmark(Description = "FFT 256², MathNet 1-D Forward over rows and columns (re/im planes)")]
    public double FftMathNet()
    {
        _re0.CopyTo(_re, 0);
        _im0.CopyTo(_im, 0);
        var rowRe = new double[FftSize];
        var rowIm = new double[FftSize];
        for (var y = 0; y < FftSize; y++)
        {
            Array.Copy(_re, y * FftSize, rowRe, 0, FftSize);
            Array.Copy(_im, y * FftSize, rowIm, 0, FftSize);
            Fourier.Forward(rowRe, rowIm, FourierOptions.NoScaling);
            Array.Copy(rowRe, 0, _re, y * FftSize, FftSize);
            Array.Copy(rowIm, 0, _im, y * FftSize, FftSize);
        }
        for (var x = 0; x < FftSize; x++)
        {
            for (var y = 0; y < FftSize; y++) { rowRe[y] = _re[y * FftSize + x]; rowIm[y] = _im[y * FftSize + x]; }
            Fourier.Forward(rowRe, rowIm, FourierOptions.NoScaling);
            for (var y = 0; y < FftSize; y++) { _re[y * FftSize + x] = rowRe[y]; _im[y * FftSize + x] = rowIm[y]; }
        }
        return _re[1];
    }

    [Benchmark(Description = "solve 6×6, engine (Gaussian elimination)")]
    public double SolveEngine() => LinearSystem.Solve(_normal, _rhs)![0];

    [Benchmark(Description = "solve 6×6, MathNet (LU of a dense matrix)")]
    public double SolveMathNet() => _matrix.Solve(_vector)[0];

    [Benchmark(Description = "solve 6×6, MathNet (building the matrix too)")]
    public double SolveMathNetBuilt() => Matrix<double>.Build.DenseOfArray(_normal).Solve(Vector<double>.Build.Dense(_rhs))[0];

    [Benchmark(Description = "median of 100,000 floats, engine (quickselect on a copy)")]
    public double MedianFramesEngine() => RobustStats.Median(_frame);

    [Benchmark(Description = "median of 100,000 floats, engine's quickselect alone (on a copy)")]
    public double MedianFramesEngineSelect()
    {
        _frame.CopyTo(_frameCopy, 0);
        return RobustStats.MedianInPlace(_frameCopy);
    }

    [Benchmark(Description = "median of 100,000 floats, MathNet (MedianInplace on a copy)")]
    public double MedianFramesMathNet()
    {
        _frame.CopyTo(_frameCopy, 0);
        return ArrayStatistics.MedianInplace(_frameCopy);
    }

    [Benchmark(Description = "median of 400 doubles, engine (sorted copy)")]
    public double MedianStarsEngine() => RobustStats.Median(_stars);

    [Benchmark(Description = "median of 400 doubles, MathNet (MedianInplace on a copy)")]
    public double MedianStarsMathNet()
    {
        _stars.CopyTo(_starsCopy, 0);
        return ArrayStatistics.MedianInplace(_starsCopy);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
