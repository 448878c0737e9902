using TileCompile.Engine.Config;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Pipeline;

/// <summary>
/// A phase's window on the configuration: only the keys it declared, so that every key that can
/// change its results is part of its fingerprint.
/// </summary>
public sealed class ConfigView
{
    private readonly TileConfig _config;
    private readonly HashSet<string> _declared;
    private readonly PhaseId _phase;

    internal ConfigView(TileConfig config, PhaseId phase, IEnumerable<ConfigKey> declared)
    {
        _config = config;
        _phase = phase;
        _declared = declared.Select(k => k.Path).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The value of a declared key; an undeclared key throws.</summary>
    public T Get<T>(ConfigKey<T> key) where T : notnull
    {
        Check(key);
        return _config.Get(key);
    }

    /// <summary>The value of a declared key, boxed.</summary>
    public object Get(ConfigKey key)
    {
        Check(key);
        return _config.Get(key);
    }

    private void Check(ConfigKey key)
    {
        if (!_declared.Contains(key.Path))
            throw new InvalidOperationException($"phase {PhaseNames.Of(_phase)} read the configuration key '{key.Path}' without declaring it");
    }
}
