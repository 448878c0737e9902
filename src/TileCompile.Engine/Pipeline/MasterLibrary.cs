using System.Security.Cryptography;
using System.Text;
using TileCompile.Engine.Calibration;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Runs;

namespace TileCompile.Engine.Pipeline;

/// <summary>
/// Masters kept between runs (by default <c>masters/</c> under the runs root), each named by a hash of the contents
/// of the frames it was made of and of how it was made, so a second run over the same calibration frames reuses it.
/// A master is written atomically beside a file with its own content hash; one that does not match is rebuilt.
/// </summary>
public sealed class MasterLibrary
{
    /// <summary>The library in <paramref name="root"/> (created when the first master is stored).</summary>
    public MasterLibrary(string root) => Root = root;

    /// <summary>The library folder.</summary>
    public string Root { get; }

    /// <summary>The key of a master of <paramref name="kind"/> made from <paramref name="files"/> by <paramref name="method"/>.</summary>
    public static string Key(string kind, MasterMethod method, IReadOnlyList<string> files)
    {
        var text = new StringBuilder().Append(kind).Append('|').Append(method).Append('|').Append(EngineInfo.Version);
        foreach (var f in files.OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal))
            text.Append('|').Append(Path.GetFileName(f)).Append(':').Append(HashingStream.HashFile(f));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))).ToLowerInvariant()[..16];
    }

    /// <summary>Path of the master for <paramref name="kind"/> and <paramref name="key"/>.</summary>
    public string PathOf(string kind, string key) => Path.Combine(Root, $"{kind}-{key}.fit");

    /// <summary>
    /// The stored master, or null when there is none or it is damaged (then <paramref name="problem"/> says how, and
    /// the caller rebuilds it).
    /// </summary>
    public ImagePlane? TryLoad(string kind, string key, int width, int height, out string? problem)
    {
        problem = null;
        var path = PathOf(kind, key);
        if (!File.Exists(path)) return null;
        var sidecar = path + ".sha256";
        if (!File.Exists(sidecar) || File.ReadAllText(sidecar).Trim() != HashingStream.HashFile(path))
        {
            problem = $"the stored master {path} does not match its recorded content hash";
            return null;
        }
        try
        {
            using var fits = FitsImage.Open(path);
            if (fits.Width != width || fits.Height != height || fits.Planes != 1)
            {
                problem = $"the stored master {path} is {fits.Width}x{fits.Height}x{fits.Planes}, expected {width}x{height}";
                return null;
            }
            return new ImagePlane(fits.Width, fits.Height, fits.ReadPlane());
        }
        catch (FitsFormatException e)
        {
            problem = $"the stored master {path} cannot be read: {e.Message}";
            return null;
        }
    }

    /// <summary>Stores a master atomically with its content hash beside it; returns its path.</summary>
    public string Store(string kind, string key, ImagePlane master, FitsHeader header)
    {
        Directory.CreateDirectory(Root);
        var path = PathOf(kind, key);
        using var buffer = new MemoryStream();
        FitsWriter.WriteFloat32(buffer, master.Data, master.Width, master.Height, header: header);
        var bytes = buffer.ToArray();
        AtomicFile.Write(path, bytes);
        AtomicFile.Write(path + ".sha256", Encoding.ASCII.GetBytes(Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant()));
        return path;
    }
}
