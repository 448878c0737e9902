using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Samples;

/// <summary>
/// The sensor and optics behind generated frames with calibration (<see cref="SampleSkyOptions.Calibration"/>): a
/// bias with column structure and a gradient, dark current with amp glow in one corner and hot pixels, and a
/// throughput map with vignetting and dust shadows. It renders bias, dark, flat and flat-dark frames, and writes the
/// true masters a perfect calibration would use.
/// </summary>
public sealed class SampleSensorModel
{
    /// <summary>Folder (inside the lights folder) with the true masters.</summary>
    public const string TruthFolder = "truth";
    /// <summary>Exposure of the flats and flat-darks, seconds.</summary>
    public const double FlatExposure = 1;
    /// <summary>Mean flat level in ADU (green photosites; red and blue are fainter).</summary>
    public const double FlatLevel = 20000;
    /// <summary>The bias pedestal in ADU.</summary>
    public const double Pedestal = 500;

    private static readonly double[] FlatColour = { 0.8, 1.0, 0.6 };

    private readonly SampleSkyOptions _options;
    private readonly BayerPattern? _cfa;

    /// <summary>Bias per pixel, ADU.</summary>
    public float[] Bias { get; }
    /// <summary>Dark current per pixel, ADU per second (amp glow and hot pixels included).</summary>
    public float[] DarkRate { get; }
    /// <summary>Relative throughput of the optics per pixel (vignetting and dust; 1 at best).</summary>
    public float[] Throughput { get; }

    private SampleSensorModel(SampleSkyOptions options, BayerPattern? cfa, float[] bias, float[] darkRate, float[] throughput)
    {
        _options = options;
        _cfa = cfa;
        Bias = bias;
        DarkRate = darkRate;
        Throughput = throughput;
    }

    /// <summary>The sensor of a planned session (deterministic for its seed).</summary>
    public static SampleSensorModel Create(SampleTruth truth)
    {
        var o = truth.Options;
        int w = o.Width, h = o.Height;
        var rng = new Numerics.SeededRandom((ulong)o.Seed, 7);
        var columns = new double[w];
        for (var x = 0; x < w; x++) columns[x] = 2.5 * rng.NextGaussian();
        var bias = new float[w * h];
        var dark = new float[w * h];
        var throughput = new float[w * h];
        // Amp glow from the top-right corner; two or three dust donuts of 3–8 % of the frame width.
        var glowScale = 0.12 * Math.Max(w, h);
        var dust = new double[2 + rng.NextInt(2)][];
        for (var i = 0; i < dust.Length; i++)
            dust[i] = new[] { rng.Uniform(0.15, 0.85) * w, rng.Uniform(0.15, 0.85) * h, rng.Uniform(0.03, 0.08) * w, rng.Uniform(0.06, 0.14) };
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0, corner = cx * cx + cy * cy;
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var i = y * w + x;
            bias[i] = (float)(Pedestal + columns[x] + 6.0 * y / h);
            var toGlow = Math.Sqrt((x - (w - 1.0)) * (x - (w - 1.0)) + y * y);
            dark[i] = (float)(0.15 + 6.0 * Math.Exp(-toGlow / glowScale));
            var t = 1 - 0.35 * ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / corner;
            foreach (var d in dust)
            {
                var r = Math.Sqrt((x - d[0]) * (x - d[0]) + (y - d[1]) * (y - d[1])) / d[2];
                if (r < 2.5) t *= 1 - d[3] * (0.6 * Math.Exp(-Math.Pow((r - 1) / 0.35, 2)) + 0.4 * Math.Exp(-r * r));
            }
            throughput[i] = (float)t;
        }
        foreach (var hp in truth.HotPixels)
            dark[hp[1] * w + hp[0]] += (float)(30 + (hp[0] * 7919 + hp[1] * 104729) % 770);
        return new SampleSensorModel(o, truth.BayerPattern is { } p ? BayerPattern.Parse(p) : null, bias, dark, throughput);
    }

    /// <summary>
    /// A light as the sensor records it: <paramref name="photons"/> (the sky in ADU, before the optics) dimmed by the
    /// throughput, on the bias and the dark current, with shot and read noise.
    /// </summary>
    internal ushort[] RecordLight(float[] photons, ref Numerics.SeededRandom rng)
    {
        var t = _options.ExposureSeconds;
        var rn2 = _options.ReadNoise * _options.ReadNoise;
        var output = new ushort[photons.Length];
        for (var i = 0; i < output.Length; i++)
        {
            var signal = Throughput[i] * (double)photons[i] + DarkRate[i] * t;
            var v = Bias[i] + signal + Math.Sqrt(Math.Max(signal, 0) + rn2) * rng.NextGaussian();
            output[i] = (ushort)Math.Clamp(Math.Round(v), 0, 65535);
        }
        return output;
    }

    /// <summary>Calibration frame <paramref name="index"/> of <paramref name="kind"/> (bias, dark, flat or darkflat).</summary>
    public ushort[] RenderCalibration(string kind, int index)
    {
        var stream = kind switch { "bias" => 1UL, "dark" => 2UL, "flat" => 3UL, "darkflat" => 4UL, _ => throw new ArgumentException($"'{kind}' is not a calibration kind") };
        var rng = new Numerics.SeededRandom((ulong)_options.Seed, 500_000UL + stream * 10_000UL + (ulong)index);
        var exposure = Exposure(kind);
        var rn2 = _options.ReadNoise * _options.ReadNoise;
        int w = _options.Width;
        var output = new ushort[Bias.Length];
        for (var i = 0; i < output.Length; i++)
        {
            var signal = DarkRate[i] * exposure;
            if (kind == "flat")
            {
                var colour = _cfa is { } p ? FlatColour[(int)p.ColorAt(i % w, i / w)] : 1.0;
                signal += FlatLevel * colour * Throughput[i];
            }
            var v = Bias[i] + signal + Math.Sqrt(Math.Max(signal, 0) + rn2) * rng.NextGaussian();
            output[i] = (ushort)Math.Clamp(Math.Round(v), 0, 65535);
        }
        return output;
    }

    /// <summary>The exposure of frames of <paramref name="kind"/>, seconds.</summary>
    public double Exposure(string kind) => kind switch
    {
        "bias" => 0.001,
        "dark" => _options.ExposureSeconds,
        _ => FlatExposure,
    };

    /// <summary>The true master of <paramref name="kind"/>: bias; dark (bias included) at the lights' exposure; flat-dark; flat gain (mean 1 per colour).</summary>
    public float[] TrueMaster(string kind)
    {
        var master = new float[Bias.Length];
        switch (kind)
        {
            case "bias":
                Bias.CopyTo(master, 0);
                break;
            case "dark" or "darkflat":
                var t = Exposure(kind);
                for (var i = 0; i < master.Length; i++) master[i] = Bias[i] + DarkRate[i] * (float)t;
                break;
            case "flat":
                var sums = new double[3];
                var counts = new long[3];
                int w = _options.Width;
                for (var i = 0; i < master.Length; i++)
                {
                    var c = _cfa is { } p ? (int)p.ColorAt(i % w, i / w) : 0;
                    sums[c] += Throughput[i];
                    counts[c]++;
                }
                for (var i = 0; i < master.Length; i++)
                {
                    var c = _cfa is { } p ? (int)p.ColorAt(i % w, i / w) : 0;
                    master[i] = (float)(Throughput[i] / (sums[c] / counts[c]));
                }
                break;
            default:
                throw new ArgumentException($"'{kind}' is not a calibration kind");
        }
        return master;
    }

    /// <summary>
    /// Writes <paramref name="count"/> frames of each kind into <c>bias/</c>, <c>darks/</c>, <c>flats/</c> and
    /// <c>darkflats/</c> under <paramref name="directory"/>, and the true masters into <c>truth/</c>
    /// (<c>master_bias.fit</c>, <c>master_dark.fit</c>, <c>master_darkflat.fit</c>, <c>flat_gain.fit</c>).
    /// </summary>
    public void WriteCalibration(string directory, int count, FitsHeader lightHeader, ParallelOptions parallel)
    {
        var kinds = new[] { ("bias", "bias", "Bias Frame"), ("dark", "darks", "Dark Frame"), ("flat", "flats", "Flat Field"), ("darkflat", "darkflats", "Dark Flat") };
        foreach (var (_, folder, _) in kinds) Directory.CreateDirectory(Path.Combine(directory, folder));
        Parallel.For(0, kinds.Length * count, parallel, n =>
        {
            var (kind, folder, type) = kinds[n / count];
            var k = n % count;
            var header = lightHeader.Clone();
            header.Set("IMAGETYP", type, "type of image");
            header.Set("EXPTIME", Exposure(kind), "exposure time [s]");
            header.Set("OBJECT", kind, "calibration frame");
            FitsWriter.WriteUInt16(Path.Combine(directory, folder, $"{kind}_{k + 1:D3}.fit"), RenderCalibration(kind, k), _options.Width, _options.Height, header: header);
        });
        var truth = Path.Combine(directory, TruthFolder);
        Directory.CreateDirectory(truth);
        foreach (var (kind, file) in new[] { ("bias", "master_bias.fit"), ("dark", "master_dark.fit"), ("darkflat", "master_darkflat.fit"), ("flat", "flat_gain.fit") })
        {
            var header = new FitsHeader();
            header.Set("IMAGETYP", kind == "flat" ? "Master Flat Gain" : "Master " + kind, "the generator's true master");
            using var stream = File.Create(Path.Combine(truth, file));
            FitsWriter.WriteFloat32(stream, TrueMaster(kind), _options.Width, _options.Height, header: header);
        }
    }
}
