using System.Globalization;
using TileCompile.Engine.Fits;

namespace TileCompile.Engine.Calibration;

/// <summary>What a frame was taken under, as far as its header says (null where it does not).</summary>
public sealed record FrameConditions(double? Exposure, double? Temperature, double? Gain, double? Offset, int? BinX, int? BinY, string? Filter)
{
    /// <summary>Relative exposure difference within which two frames count as equally exposed.</summary>
    public const double ExposureTolerance = 0.05;

    /// <summary>Reads EXPTIME/EXPOSURE, CCD-TEMP/SET-TEMP, GAIN, OFFSET, XBINNING/YBINNING and FILTER.</summary>
    public static FrameConditions From(FitsHeader h) => new(
        h.GetDouble("EXPTIME") ?? h.GetDouble("EXPOSURE"),
        h.GetDouble("CCD-TEMP") ?? h.GetDouble("SET-TEMP"),
        h.GetDouble("GAIN"),
        h.GetDouble("OFFSET"),
        h.GetInteger("XBINNING") is { } bx ? (int)bx : null,
        h.GetInteger("YBINNING") is { } by ? (int)by : null,
        h.GetString("FILTER")?.Trim() is { Length: > 0 } f ? f : null);

    /// <summary>
    /// What differs between this calibration frame and the frames it calibrates, for a calibration frame of
    /// <paramref name="kind"/>: darks must match exposure, temperature (within <paramref name="temperatureTolerance"/>),
    /// gain, offset and binning; flats filter and binning; biases gain, offset and binning. Keys a header lacks are not compared.
    /// </summary>
    public IReadOnlyList<string> Mismatches(FrameConditions target, string kind, double temperatureTolerance)
    {
        var differs = new List<string>();
        var dark = kind is "dark" or "darkflat";
        if (dark && Exposure is { } e && target.Exposure is { } te && Math.Abs(e - te) > ExposureTolerance * Math.Max(te, 1e-3)) differs.Add("exposure");
        if (dark && Temperature is { } t && target.Temperature is { } tt && Math.Abs(t - tt) > temperatureTolerance) differs.Add("temperature");
        if (kind != "flat" && Gain is { } g && target.Gain is { } tg && g != tg) differs.Add("gain");
        if (kind != "flat" && Offset is { } o && target.Offset is { } to && o != to) differs.Add("offset");
        if ((BinX, BinY) != (target.BinX, target.BinY) && BinX is not null && target.BinX is not null) differs.Add("binning");
        if (kind == "flat" && Filter is { } f && target.Filter is { } tf && !string.Equals(f, tf, StringComparison.OrdinalIgnoreCase)) differs.Add("filter");
        return differs;
    }

    /// <summary>A short description, e.g. "120 s at -10.0 °C, gain 100, bin 2x2, filter L".</summary>
    public string Describe()
    {
        var parts = new List<string>();
        var head = Exposure is { } e ? string.Create(CultureInfo.InvariantCulture, $"{e:0.###} s") : null;
        if (Temperature is { } t) head = (head is null ? "" : head + " ") + string.Create(CultureInfo.InvariantCulture, $"at {t:0.0} °C");
        if (head is not null) parts.Add(head);
        if (Gain is { } g) parts.Add(string.Create(CultureInfo.InvariantCulture, $"gain {g:0.##}"));
        if (Offset is { } o) parts.Add(string.Create(CultureInfo.InvariantCulture, $"offset {o:0.##}"));
        if (BinX is { } bx) parts.Add($"bin {bx}x{BinY ?? bx}");
        if (Filter is { } f) parts.Add($"filter {f}");
        return parts.Count == 0 ? "no conditions in the header" : string.Join(", ", parts);
    }
}
