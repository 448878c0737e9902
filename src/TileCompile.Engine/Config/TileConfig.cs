using System.Security.Cryptography;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TileCompile.Engine.Config;

/// <summary>
/// An effective configuration: every known key with its value (from the file, or the default).
/// Immutable; <see cref="CanonicalYaml"/> and <see cref="Hash"/> identify it for fingerprints.
/// </summary>
public sealed class TileConfig
{
    private readonly Dictionary<string, object> _values;

    private TileConfig(Dictionary<string, object> values, IReadOnlyList<ConfigIssue> warnings, string source)
    {
        _values = values;
        Warnings = warnings;
        Source = source;
        CanonicalYaml = BuildCanonical(values);
        Hash = Sha256(CanonicalYaml);
    }

    /// <summary>The configuration with every key at its default.</summary>
    public static TileConfig Default { get; } = new(ConfigSchema.Keys.ToDictionary(k => k.Path, k => k.DefaultValue), Array.Empty<ConfigIssue>(), "(defaults)");

    /// <summary>Where the configuration came from (a file path, or a description).</summary>
    public string Source { get; }

    /// <summary>Warnings found while loading (unknown keys).</summary>
    public IReadOnlyList<ConfigIssue> Warnings { get; }

    /// <summary>Every key with its value, sorted by path, as YAML. Same configuration ⇒ same text.</summary>
    public string CanonicalYaml { get; }

    /// <summary>SHA-256 (lower-case hex) of <see cref="CanonicalYaml"/>.</summary>
    public string Hash { get; }

    /// <summary>The value of a key.</summary>
    public T Get<T>(ConfigKey<T> key) where T : notnull => (T)_values[key.Path];

    /// <summary>The value of a key, boxed.</summary>
    public object Get(ConfigKey key) => _values[key.Path];

    /// <summary>A copy with one key changed (validated like a value from a file).</summary>
    public TileConfig With<T>(ConfigKey<T> key, T value) where T : notnull
    {
        var copy = new Dictionary<string, object>(_values) { [key.Path] = value };
        var config = new TileConfig(copy, Warnings, Source);
        var errors = ConfigSchema.CrossKeyErrors(config).Select(e => new ConfigIssue(ConfigIssueSeverity.Error, Source, 0, 0, e.Key, e.Message)).ToList();
        if (errors.Count > 0) throw new ConfigValidationException(errors);
        return config;
    }

    /// <summary>Hash of the values of <paramref name="keys"/> only (for per-phase fingerprints).</summary>
    public string HashOf(IEnumerable<ConfigKey> keys)
    {
        var sb = new StringBuilder();
        foreach (var key in keys.Where(k => k.AffectsResults).OrderBy(k => k.Path, StringComparer.Ordinal))
            sb.Append(key.Path).Append('=').Append(key.Format(_values[key.Path])).Append('\n');
        return Sha256(sb.ToString());
    }

    /// <summary>Keys whose values differ between two configurations, with both values formatted.</summary>
    public IReadOnlyList<(ConfigKey Key, string Old, string New)> Differences(TileConfig other) =>
        ConfigSchema.Keys
            .Select(k => (k, Old: k.Format(_values[k.Path]), New: k.Format(other._values[k.Path])))
            .Where(d => d.Old != d.New)
            .ToList();

    /// <summary>Loads and validates a YAML file; throws <see cref="ConfigValidationException"/> listing every error.</summary>
    public static TileConfig Load(string path)
    {
        return Parse(ReadBounded(path), path);
    }

    /// <summary>The largest configuration file read; the full reference with every comment is about 30 KiB.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>The most YAML nodes a configuration may hold (the full reference has a few hundred).</summary>
    public const int MaxNodes = 20_000;

    private static string ReadBounded(string path)
    {
        static ConfigValidationException Fail(string path, string message) =>
            new(new[] { new ConfigIssue(ConfigIssueSeverity.Error, path, 0, 0, "", message) });
        // Pipes block on open and devices never end: only a regular file is opened.
        var kind = IO.FileKinds.Of(path);
        if (kind == IO.FileKind.Missing) throw Fail(path, "the configuration file does not exist");
        if (kind != IO.FileKind.Regular)
            throw Fail(path, $"is {IO.FileKinds.Describe(kind)}, not a configuration file; give the path of a YAML file");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var buffer = new byte[MaxFileBytes + 1];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = stream.Read(buffer, read, buffer.Length - read)) > 0) read += n;
            if (read > MaxFileBytes)
                throw Fail(path, $"is larger than {MaxFileBytes / 1024} KiB; a configuration file is a few KiB of YAML");
            return new System.Text.UTF8Encoding(false).GetString(buffer, 0, read).TrimStart('\uFEFF');
        }
        catch (FileNotFoundException)
        {
            throw Fail(path, "the configuration file does not exist");
        }
        catch (UnauthorizedAccessException)
        {
            throw Fail(path, "the configuration file cannot be read (permission denied)");
        }
    }

    // Aliases of mappings or sequences let a few hundred bytes stand for billions of nodes (and as mapping keys
    // they are hashed whole); a configuration has no need of them, so only aliases of plain values are allowed,
    // and the number of nodes is bounded.
    private static ConfigIssue? CheckStructure(string yaml, string source)
    {
        var parser = new Parser(new StringReader(yaml));
        var scalarAnchors = new HashSet<string>(StringComparer.Ordinal);
        var nodes = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case YamlDotNet.Core.Events.Scalar sc:
                        nodes++;
                        if (!sc.Anchor.IsEmpty) scalarAnchors.Add(sc.Anchor.Value);
                        break;
                    case YamlDotNet.Core.Events.NodeEvent ne and (YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart):
                        nodes++;
                        if (!ne.Anchor.IsEmpty) scalarAnchors.Remove(ne.Anchor.Value);
                        break;
                    case YamlDotNet.Core.Events.AnchorAlias alias:
                        nodes++;
                        if (!scalarAnchors.Contains(alias.Value.Value))
                            return new ConfigIssue(ConfigIssueSeverity.Error, source, (int)alias.Start.Line, (int)alias.Start.Column, "",
                                $"the alias *{alias.Value.Value} stands for a mapping or a list; configuration files may only repeat plain values with aliases");
                        break;
                }
                if (nodes > MaxNodes)
                    return new ConfigIssue(ConfigIssueSeverity.Error, source, (int)parser.Current!.Start.Line, (int)parser.Current.Start.Column, "",
                        $"the file holds more than {MaxNodes} YAML values; a configuration has a few hundred");
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // Syntax errors are reported by the full load, with its position and message.
        }
        return null;
    }

    /// <summary>Parses and validates YAML text; <paramref name="source"/> names it in messages.</summary>
    public static TileConfig Parse(string yaml, string source = "config.yaml")
    {
        var issues = new List<ConfigIssue>();
        var values = ConfigSchema.Keys.ToDictionary(k => k.Path, k => k.DefaultValue);
        if (yaml.Length > MaxFileBytes)
            throw new ConfigValidationException(new[] { new ConfigIssue(ConfigIssueSeverity.Error, source, 0, 0, "",
                $"is larger than {MaxFileBytes / 1024} KiB; a configuration file is a few KiB of YAML") });
        if (CheckStructure(yaml, source) is { } structural) throw new ConfigValidationException(new[] { structural });
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(yaml));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            var message = e.InnerException?.Message ?? e.Message;
            var (line, column) = ((int)e.Start.Line, (int)e.Start.Column);
            // The YAML library places tab errors at the start of the enclosing mapping; the user needs the tab.
            if (message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstIndentingTab(yaml) is { } tab) (line, column) = tab;
            throw new ConfigValidationException(new[]
            {
                new ConfigIssue(ConfigIssueSeverity.Error, source, line, column, "", "YAML syntax error: " + Trim(message)),
            });
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // Some malformed documents make the YAML library fail without a position; the last
            // event it read is the best location we have.
            var at = parser.Current?.End;
            throw new ConfigValidationException(new[]
            {
                new ConfigIssue(ConfigIssueSeverity.Error, source, (int)(at?.Line ?? 0), (int)(at?.Column ?? 0), "",
                    "YAML syntax error: the document is malformed after this point (unclosed bracket or quote?)"),
            });
        }

        if (stream.Documents.Count > 1)
            issues.Add(new ConfigIssue(ConfigIssueSeverity.Error, source, (int)stream.Documents[1].RootNode.Start.Line, 1, "", "the file holds more than one YAML document"));
        if (stream.Documents.Count > 0)
        {
            var root = stream.Documents[0].RootNode;
            if (root is YamlMappingNode map) Walk(map, "", values, issues, source);
            else if (!(root is YamlScalarNode { Value: null or "" }))
                issues.Add(new ConfigIssue(ConfigIssueSeverity.Error, source, (int)root.Start.Line, (int)root.Start.Column, "", "the top level must be a mapping of sections (e.g. 'stacking:')"));
        }

        LimitWarnings(issues, source);
        var config = new TileConfig(values, issues.Where(i => i.Severity == ConfigIssueSeverity.Warning).ToList(), source);
        if (issues.All(i => i.Severity != ConfigIssueSeverity.Error))
        {
            foreach (var (key, message) in ConfigSchema.CrossKeyErrors(config))
            {
                var (line, col) = Locate(stream, key);
                issues.Add(new ConfigIssue(ConfigIssueSeverity.Error, source, line, col, key, message));
            }
        }
        if (issues.Any(i => i.Severity == ConfigIssueSeverity.Error)) throw new ConfigValidationException(issues);
        return config;
    }

    private static (int Line, int Column)? FirstIndentingTab(string yaml)
    {
        var line = 1;
        var column = 1;
        var inIndent = true;
        foreach (var c in yaml)
        {
            if (c == '\n')
            {
                line++;
                column = 1;
                inIndent = true;
                continue;
            }
            if (inIndent && c == '\t') return (line, column);
            if (c != ' ') inIndent = false;
            column++;
        }
        return null;
    }

    /// <summary>The most warnings listed one by one; the rest are counted in one more.</summary>
    public const int MaxListedWarnings = 50;

    private static void LimitWarnings(List<ConfigIssue> issues, string source)
    {
        var warnings = issues.Where(i => i.Severity == ConfigIssueSeverity.Warning).ToList();
        if (warnings.Count <= MaxListedWarnings) return;
        var dropped = warnings.Skip(MaxListedWarnings).ToHashSet();
        issues.RemoveAll(dropped.Contains);
        issues.Add(new ConfigIssue(ConfigIssueSeverity.Warning, source, dropped.First().Line, dropped.First().Column, "",
            $"and {dropped.Count} more unknown keys, not listed"));
    }

    private static void Walk(YamlMappingNode map, string prefix, Dictionary<string, object> values, List<ConfigIssue> issues, string source)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? keyNode.ToString();
            var path = prefix.Length == 0 ? name : prefix + "." + name;
            var line = (int)keyNode.Start.Line;
            var col = (int)keyNode.Start.Column;
            if (!seen.Add(name))
            {
                issues.Add(new ConfigIssue(ConfigIssueSeverity.Error, source, line, col, path, "the key appears twice in the same section"));
                continue;
            }

            var key = ConfigSchema.Find(path);
            if (key is null)
            {
                if (ConfigSchema.IsSection(path))
                {
                    if (valueNode is YamlMappingNode sub) Walk(sub, path, values, issues, source);
                    else if (!(valueNode is YamlScalarNode { Value: null or "" }))
                        issues.Add(new ConfigIssue(ConfigIssueSeverity.Error, source, line, col, path, "is a section and must hold keys, not a value"));
                    continue;
                }
                issues.Add(new ConfigIssue(ConfigIssueSeverity.Warning, source, line, col, path, "unknown key, ignored" + Suggestion(path)));
                continue;
            }

            var (scalars, isSequence, ok) = Scalars(valueNode);
            if (!ok)
            {
                issues.Add(new ConfigIssue(ConfigIssueSeverity.Error, source, (int)valueNode.Start.Line, (int)valueNode.Start.Column, path,
                    $"expected {key.Allowed}"));
                continue;
            }
            if (key.TryConvert(scalars, isSequence, out var value, out var error))
                values[path] = value!;
            else
                issues.Add(new ConfigIssue(ConfigIssueSeverity.Error, source, (int)valueNode.Start.Line, (int)valueNode.Start.Column, path,
                    $"{Show(scalars, isSequence)}: {error} (allowed: {key.Allowed})"));
        }
    }

    private static (List<string> Scalars, bool IsSequence, bool Ok) Scalars(YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode s:
                return (new List<string> { s.Value ?? "" }, false, true);
            case YamlSequenceNode seq:
                var list = new List<string>();
                foreach (var item in seq.Children)
                {
                    if (item is not YamlScalarNode si) return (list, true, false);
                    list.Add(si.Value ?? "");
                }
                return (list, true, true);
            default:
                return (new List<string>(), false, false);
        }
    }

    private static string Show(List<string> scalars, bool isSequence) =>
        isSequence ? "[" + string.Join(", ", scalars) + "]" : $"'{scalars.FirstOrDefault()}'";

    private static string Suggestion(string path)
    {
        var leaf = path[(path.LastIndexOf('.') + 1)..];
        var near = ConfigSchema.Keys.FirstOrDefault(k => k.Path.EndsWith("." + leaf, StringComparison.Ordinal) || k.Path == leaf);
        return near is null ? "" : $" (did you mean '{near.Path}'?)";
    }

    private static (int Line, int Column) Locate(YamlStream stream, string path)
    {
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode node) return (0, 0);
        var found = (0, 0);
        foreach (var part in path.Split('.'))
        {
            var next = node.Children.FirstOrDefault(c => (c.Key as YamlScalarNode)?.Value == part);
            if (next.Key is null) break;
            found = ((int)next.Key.Start.Line, (int)next.Key.Start.Column);
            if (next.Value is not YamlMappingNode m) break;
            node = m;
        }
        return found;
    }

    private static string Trim(string message)
    {
        var i = message.IndexOf("): ", StringComparison.Ordinal);
        return i >= 0 && message.StartsWith('(') ? message[(i + 3)..] : message;
    }

    private static string BuildCanonical(Dictionary<string, object> values)
    {
        var sb = new StringBuilder();
        var keys = ConfigSchema.Keys.OrderBy(k => k.Path, StringComparer.Ordinal);
        ConfigSchema.WriteTree(sb, keys, k => values[k.Path], withComments: false);
        return sb.ToString();
    }

    private static string Sha256(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
}
