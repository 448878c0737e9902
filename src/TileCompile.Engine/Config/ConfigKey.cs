using System.Globalization;

namespace TileCompile.Engine.Config;

/// <summary>A closed interval of integers, written in YAML as <c>[low, high]</c>.</summary>
public readonly record struct IntRange(int Low, int High)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Low}, {High}]");
}

/// <summary>A closed interval of reals, written in YAML as <c>[low, high]</c>.</summary>
public readonly record struct DoubleRange(double Low, double High)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"[{ConfigKey.FormatDouble(Low)}, {ConfigKey.FormatDouble(High)}]";
}

/// <summary>
/// One configuration key: its dotted path (as in the published <c>tile_compile.yaml</c>), type,
/// default, allowed values and documentation.
/// </summary>
public abstract class ConfigKey
{
    private protected ConfigKey(string path, string description, bool affectsResults)
    {
        Path = path;
        Description = description;
        AffectsResults = affectsResults;
    }

    /// <summary>Dotted path, e.g. <c>stacking.sigma_clip.sigma_low</c>.</summary>
    public string Path { get; }

    /// <summary>What the key does, with its unit.</summary>
    public string Description { get; }

    /// <summary>
    /// False for performance keys (thread counts, memory budgets): they never change results, so
    /// they are left out of phase fingerprints.
    /// </summary>
    public bool AffectsResults { get; }

    /// <summary>The default value, boxed.</summary>
    public abstract object DefaultValue { get; }

    /// <summary>Human-readable statement of the allowed values, used in error messages and docs.</summary>
    public abstract string Allowed { get; }

    /// <summary>Formats a value as canonical YAML scalar or flow sequence text.</summary>
    public abstract string Format(object value);

    /// <summary>Converts YAML scalar text(s) into a value, or returns an error message.</summary>
    internal abstract bool TryConvert(IReadOnlyList<string> scalars, bool isSequence, out object? value, out string? error);

    internal static string FormatDouble(double v)
    {
        var s = v.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') || s.Contains("Infinity") || s.Contains("NaN") ? s : s + ".0";
    }

    internal static bool TryDouble(string s, out double v) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v);

    internal static bool TryInt(string s, out int v) =>
        int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v);

    /// <inheritdoc />
    public override string ToString() => Path;
}

/// <summary>A typed configuration key.</summary>
public sealed class ConfigKey<T> : ConfigKey where T : notnull
{
    private readonly Func<IReadOnlyList<string>, bool, (T? Value, string? Error)> _convert;
    private readonly Func<T, string> _format;

    internal ConfigKey(string path, T defaultValue, string allowed, string description, bool affectsResults,
        Func<IReadOnlyList<string>, bool, (T? Value, string? Error)> convert, Func<T, string> format)
        : base(path, description, affectsResults)
    {
        Default = defaultValue;
        Allowed = allowed;
        _convert = convert;
        _format = format;
    }

    /// <summary>The documented default.</summary>
    public T Default { get; }

    /// <inheritdoc />
    public override object DefaultValue => Default;

    /// <inheritdoc />
    public override string Allowed { get; }

    /// <inheritdoc />
    public override string Format(object value) => _format((T)value);

    internal override bool TryConvert(IReadOnlyList<string> scalars, bool isSequence, out object? value, out string? error)
    {
        var (v, e) = _convert(scalars, isSequence);
        value = v;
        error = e;
        return e is null;
    }
}
