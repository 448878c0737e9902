using System.Globalization;

namespace TileCompile.Engine.Config;

/// <summary>Builds typed keys with their conversion and range rules.</summary>
internal static class ConfigKeyFactory
{
    public static ConfigKey<bool> Bool(string path, bool def, string description, bool affectsResults = true) =>
        new(path, def, "true or false", description, affectsResults,
            (s, seq) => !seq && s.Count == 1 && TryBool(s[0], out var b) ? (b, null) : (false, "expected true or false"),
            b => b ? "true" : "false");

    public static ConfigKey<int> Int(string path, int def, int min, int max, string description, bool affectsResults = true) =>
        new(path, def, $"an integer from {min} to {max}", description, affectsResults,
            (s, seq) =>
            {
                if (seq || s.Count != 1 || !ConfigKey.TryInt(s[0], out var v)) return (0, "expected an integer");
                return v < min || v > max ? (0, $"must be between {min} and {max}") : (v, null);
            },
            v => v.ToString(CultureInfo.InvariantCulture));

    public static ConfigKey<double> Double(string path, double def, double min, double max, string description, bool minExclusive = false) =>
        new(path, def, minExclusive ? $"a number greater than {F(min)} and at most {F(max)}" : $"a number from {F(min)} to {F(max)}", description, true,
            (s, seq) =>
            {
                if (seq || s.Count != 1 || !ConfigKey.TryDouble(s[0], out var v)) return (0, "expected a number");
                var low = minExclusive ? v <= min : v < min;
                return low || v > max ? (0, minExclusive ? $"must be greater than {F(min)} and at most {F(max)}" : $"must be between {F(min)} and {F(max)}") : (v, null);
            },
            ConfigKey.FormatDouble);

    public static ConfigKey<string> Choice(string path, string def, string[] allowed, string description) =>
        new(path, def, "one of " + string.Join(", ", allowed), description, true,
            (s, seq) =>
            {
                if (seq || s.Count != 1) return ("", "expected one of " + string.Join(", ", allowed));
                var match = allowed.FirstOrDefault(a => string.Equals(a, s[0], StringComparison.OrdinalIgnoreCase));
                return match is null ? ("", $"'{s[0]}' is not allowed; expected one of {string.Join(", ", allowed)}") : (match, null);
            },
            Quote);

    public static ConfigKey<string> Text(string path, string def, string description, bool affectsResults = true) =>
        new(path, def, "a string", description, affectsResults,
            (s, seq) => !seq && s.Count == 1 ? (s[0], null) : ("", "expected a string"),
            Quote);

    public static ConfigKey<DoubleRange> DoubleRange(string path, double lo, double hi, double min, double max, string description) =>
        new(path, new DoubleRange(lo, hi), $"[low, high] with {F(min)} <= low < high <= {F(max)}", description, true,
            (s, seq) =>
            {
                if (!seq || s.Count != 2 || !ConfigKey.TryDouble(s[0], out var a) || !ConfigKey.TryDouble(s[1], out var b))
                    return (default, "expected a list of two numbers, [low, high]");
                if (a < min || b > max || a >= b) return (default, $"must satisfy {F(min)} <= low < high <= {F(max)}");
                return (new DoubleRange(a, b), null);
            },
            r => r.ToString());

    public static ConfigKey<IntRange> IntRange(string path, int lo, int hi, int min, int max, string description) =>
        new(path, new IntRange(lo, hi), $"[low, high] with {min} <= low <= high <= {max}", description, true,
            (s, seq) =>
            {
                if (!seq || s.Count != 2 || !ConfigKey.TryInt(s[0], out var a) || !ConfigKey.TryInt(s[1], out var b))
                    return (default, "expected a list of two integers, [low, high]");
                if (a < min || b > max || a > b) return (default, $"must satisfy {min} <= low <= high <= {max}");
                return (new IntRange(a, b), null);
            },
            r => r.ToString());

    private static string F(double v) => v.ToString(CultureInfo.InvariantCulture);

    private static bool TryBool(string s, out bool value)
    {
        switch (s.ToLowerInvariant())
        {
            case "true" or "yes" or "on": value = true; return true;
            case "false" or "no" or "off": value = false; return true;
            default: value = false; return false;
        }
    }

    internal static string Quote(string s) => "'" + s.Replace("'", "''") + "'";
}
