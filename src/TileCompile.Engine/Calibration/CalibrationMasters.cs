using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Calibration;

/// <summary>
/// The masters a light is calibrated with: <c>(light − dark) / flat</c>, where the dark includes the bias (so the
/// bias is subtracted once, never twice), the bias stands in when there is no dark, and the flat is the gain map
/// (master flat minus its dark-flat or bias, divided by its mean per CFA colour). All arithmetic is in float with
/// nothing clipped at 0; pixels whose flat has no light become NaN (no data), which later steps fill and mask.
/// </summary>
public sealed class CalibrationMasters
{
    /// <summary>Flat pixels below this fraction of the flat's mean carry no usable light.</summary>
    public const double MinFlatFraction = 0.02;

    /// <summary>Creates the set; any master may be missing.</summary>
    public CalibrationMasters(ImagePlane? bias, ImagePlane? dark, ImagePlane? gain)
    {
        Bias = bias;
        Dark = dark;
        Gain = gain;
    }

    /// <summary>Master bias, or null.</summary>
    public ImagePlane? Bias { get; }
    /// <summary>Master dark at the lights' exposure (bias included), or null.</summary>
    public ImagePlane? Dark { get; }
    /// <summary>Flat gain map (mean 1 per CFA colour), or null.</summary>
    public ImagePlane? Gain { get; }

    /// <summary>True when there is nothing to apply.</summary>
    public bool IsEmpty => Bias is null && Dark is null && Gain is null;

    /// <summary>
    /// The gain map of a master flat: minus <paramref name="flatDark"/> (or <paramref name="bias"/>), divided by its
    /// mean over each CFA colour (the whole frame for mono). Throws when too much of the flat has no light.
    /// </summary>
    public static ImagePlane GainMap(ImagePlane flat, ImagePlane? flatDark, ImagePlane? bias, BayerPattern? pattern, string what)
    {
        var offset = flatDark ?? bias;
        var gain = new ImagePlane(flat.Width, flat.Height, (float[])flat.Data.Clone());
        if (offset is not null) System.Numerics.Tensors.TensorPrimitives.Subtract(gain.Data, offset.Data, gain.Data);
        var colours = pattern is null ? 1 : 3;
        var sums = new double[3];
        var counts = new long[3];
        for (var y = 0; y < gain.Height; y++)
        for (var x = 0; x < gain.Width; x++)
        {
            var v = gain[x, y];
            if (!float.IsFinite(v) || v <= 0) continue;
            var c = pattern is { } p ? (int)p.ColorAt(x, y) : 0;
            sums[c] += v;
            counts[c]++;
        }
        var means = new double[3];
        for (var c = 0; c < colours; c++)
        {
            means[c] = counts[c] > 0 ? sums[c] / counts[c] : 0;
            if (!(means[c] > 0)) throw new InvalidDataException($"{what}: the master flat has no light{(pattern is null ? "" : $" in its {(CfaColor)c} photosites")} after subtracting the {(flatDark is not null ? "flat-dark" : "bias")}");
        }
        long dark = 0;
        for (var y = 0; y < gain.Height; y++)
        for (var x = 0; x < gain.Width; x++)
        {
            var c = pattern is { } p ? (int)p.ColorAt(x, y) : 0;
            var g = gain[x, y] / means[c];
            if (!(g >= MinFlatFraction)) { g = double.NaN; dark++; }
            gain[x, y] = (float)g;
        }
        if (dark > gain.Data.Length / 10)
            throw new InvalidDataException($"{what}: {dark} of {gain.Data.Length} pixels of the master flat are at or below {MinFlatFraction:P0} of its mean (zeros or no light); expected a flat field");
        return gain;
    }

    /// <summary>A dark pixel above the dark's median by this many robust sigmas is hot.</summary>
    public const double HotSigma = 8;

    /// <summary>
    /// Hot pixels of the master dark (pixel indices): far above the dark's level. Subtracting the dark takes their
    /// mean off, not their noise, so they are also repaired like the sensor defects found from the lights.
    /// </summary>
    public int[] HotPixels()
    {
        if (Dark is null) return Array.Empty<int>();
        var level = RobustStats.SampledMedian(Dark.Data);
        var sigma = RobustStats.SampledSigma(Dark.Data, level);
        if (!(sigma > 0)) return Array.Empty<int>();
        var hot = new List<int>();
        var limit = level + HotSigma * sigma;
        for (var i = 0; i < Dark.Data.Length; i++) if (Dark.Data[i] > limit) hot.Add(i);
        return hot.ToArray();
    }

    /// <summary>Calibrates <paramref name="light"/> in place; throws when a master's size differs.</summary>
    public void Apply(ImagePlane light, string file)
    {
        var offset = Dark ?? Bias;
        if (offset is not null)
        {
            Check(offset, light, file, Dark is not null ? "master dark" : "master bias");
            System.Numerics.Tensors.TensorPrimitives.Subtract(light.Data, offset.Data, light.Data);
        }
        if (Gain is not null)
        {
            Check(Gain, light, file, "master flat");
            // A NaN gain (no light) makes the pixel NaN: no data, filled from its neighbours like any hole.
            System.Numerics.Tensors.TensorPrimitives.Divide(light.Data, Gain.Data, light.Data);
        }
    }

    private static void Check(ImagePlane master, ImagePlane light, string file, string what)
    {
        if (master.Width != light.Width || master.Height != light.Height)
            throw new InvalidDataException($"{file} is {light.Width}x{light.Height}, the {what} {master.Width}x{master.Height}: calibration frames must have the lights' size");
    }
}
