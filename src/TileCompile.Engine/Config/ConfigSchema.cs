using System.Reflection;
using System.Text;

namespace TileCompile.Engine.Config;

/// <summary>The set of known keys, the cross-key rules, and the documented default file.</summary>
public static class ConfigSchema
{
    private static readonly Lazy<IReadOnlyList<ConfigKey>> AllKeys = new(() =>
        typeof(ConfigKeys).GetNestedTypes(BindingFlags.Public)
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => typeof(ConfigKey).IsAssignableFrom(f.FieldType))
            .Select(f => (ConfigKey)f.GetValue(null)!)
            .ToList());

    private static readonly Lazy<Dictionary<string, ConfigKey>> ByPath = new(() =>
        AllKeys.Value.ToDictionary(k => k.Path, StringComparer.Ordinal));

    /// <summary>Every key, in documentation order.</summary>
    public static IReadOnlyList<ConfigKey> Keys => AllKeys.Value;

    /// <summary>Looks a key up by dotted path.</summary>
    public static ConfigKey? Find(string path) => ByPath.Value.GetValueOrDefault(path);

    /// <summary>True when <paramref name="path"/> is a section that holds known keys (e.g. <c>stacking.sigma_clip</c>).</summary>
    public static bool IsSection(string path) => AllKeys.Value.Any(k => k.Path.StartsWith(path + ".", StringComparison.Ordinal));

    /// <summary>Rules that involve several keys; each returns the offending key and a message, or null.</summary>
    internal static IEnumerable<(string Key, string Message)> CrossKeyErrors(TileConfig c)
    {
        var g = c.Get(ConfigKeys.GlobalMetrics.WeightBackground) + c.Get(ConfigKeys.GlobalMetrics.WeightNoise) + c.Get(ConfigKeys.GlobalMetrics.WeightGradient);
        if (Math.Abs(g - 1) > 1e-6)
            yield return ("global_metrics.weights", $"background + noise + gradient must sum to 1, they sum to {g:R}");
        var s = c.Get(ConfigKeys.LocalMetrics.StarFwhm) + c.Get(ConfigKeys.LocalMetrics.StarRoundness) + c.Get(ConfigKeys.LocalMetrics.StarContrast);
        if (Math.Abs(s - 1) > 1e-6)
            yield return ("local_metrics.star_mode.weights", $"fwhm + roundness + contrast must sum to 1, they sum to {s:R}");
        var t = c.Get(ConfigKeys.LocalMetrics.StructureMetric) + c.Get(ConfigKeys.LocalMetrics.StructureBackground);
        if (Math.Abs(t - 1) > 1e-6)
            yield return ("local_metrics.structure_mode", $"metric_weight + background_weight must sum to 1, they sum to {t:R}");
        if (c.Get(ConfigKeys.Assumptions.FramesReducedThreshold) < c.Get(ConfigKeys.Assumptions.FramesMin))
            yield return ("assumptions.frames_reduced_threshold",
                $"must be at least assumptions.frames_min ({c.Get(ConfigKeys.Assumptions.FramesMin)}), is {c.Get(ConfigKeys.Assumptions.FramesReducedThreshold)}");
        foreach (var pattern in c.Get(ConfigKeys.Input.Pattern).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (IO.FilePatterns.Problem(pattern) is { } problem)
                yield return ("input.pattern", $"'{pattern}' {problem}");
        if (!c.Get(ConfigKeys.Normalization.Enabled))
            yield return ("normalization.enabled", "must be true: the method's weights are defined on background-normalized frames");
    }

    /// <summary>
    /// The default configuration as a commented YAML document: every key with its default, what it
    /// does and its allowed values. This is the file shipped with the module.
    /// </summary>
    public static string DefaultYaml()
    {
        var sb = new StringBuilder();
        sb.Append("# TileCompile configuration: every key with its default value.\n");
        sb.Append("# Keys follow the published tile_compile.yaml names; unknown keys are reported as warnings.\n");
        WriteTree(sb, Keys, k => k.DefaultValue, withComments: true);
        return sb.ToString();
    }

    /// <summary>The configuration reference as a Markdown table (docs/config.md is this text).</summary>
    public static string MarkdownReference()
    {
        var sb = new StringBuilder();
        sb.Append("# Configuration keys\n\n");
        sb.Append("Generated from the engine's schema (`tile-compile config reference`); `module/tile_compile.yaml` is the same\n");
        sb.Append("information as a ready-to-edit file. Unknown keys are reported as warnings and ignored. Keys marked\n");
        sb.Append("*(does not affect results)* are left out of phase fingerprints, so changing them does not make a resume\n");
        sb.Append("re-run anything.\n\n");
        sb.Append("| Key | Default | Allowed | Meaning |\n|---|---|---|---|\n");
        foreach (var key in Keys)
        {
            var meaning = key.Description + (key.AffectsResults ? "" : " *(does not affect results)*");
            sb.Append("| `").Append(key.Path).Append("` | `").Append(key.Format(key.DefaultValue)).Append("` | ")
              .Append(key.Allowed).Append(" | ").Append(meaning.Replace("|", "\\|")).Append(" |\n");
        }
        return sb.ToString();
    }

    internal static void WriteTree(StringBuilder sb, IEnumerable<ConfigKey> keys, Func<ConfigKey, object> value, bool withComments)
    {
        var open = Array.Empty<string>();
        foreach (var key in keys)
        {
            var parts = key.Path.Split('.');
            var common = 0;
            while (common < open.Length && common < parts.Length - 1 && open[common] == parts[common]) common++;
            if (withComments && common == 0 && parts.Length > 1 && (open.Length == 0 || open[0] != parts[0])) sb.Append('\n');
            for (var depth = common; depth < parts.Length - 1; depth++)
                sb.Append(' ', depth * 2).Append(parts[depth]).Append(":\n");
            var indent = (parts.Length - 1) * 2;
            if (withComments)
                sb.Append(' ', indent).Append("# ").Append(key.Description).Append(" Allowed: ").Append(key.Allowed).Append(".\n");
            sb.Append(' ', indent).Append(parts[^1]).Append(": ").Append(key.Format(value(key))).Append('\n');
            open = parts[..^1];
        }
    }
}
