using System.Text;

namespace TileCompile.Engine.Pipeline.Phases;

/// <summary>
/// work/weights.bin: the local quality and weight cubes in binary (little-endian float64), a few MB even for
/// thousands of frames, where JSON text grew to tens of MB and had to be parsed whole by every reader.
/// Layout: "TCW1", frame, channel and tile counts (int32), the names (length-prefixed UTF-8: channels, frames,
/// tile types), then Q[f][c][t] and W[f][c][t].
/// </summary>
public static class LocalWeightsFile
{
    /// <summary>Artifact path.</summary>
    public const string Path = "work/weights.bin";
    private static readonly byte[] Magic = "TCW1"u8.ToArray();

    /// <summary>Writes <paramref name="weights"/> to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, LocalWeights weights)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(weights.Frames.Count);
        w.Write(weights.Channels.Count);
        w.Write(weights.TileTypes.Count);
        foreach (var name in weights.Channels.Concat(weights.Frames).Concat(weights.TileTypes)) w.Write(name);
        foreach (var cube in new[] { weights.Quality, weights.Weight })
            foreach (var frame in cube)
                foreach (var channel in frame)
                    foreach (var v in channel) w.Write(v);
    }

    /// <summary>Reads the file of a run; throws <see cref="InvalidDataException"/> naming the file when it is not one.</summary>
    public static LocalWeights Read(string path)
    {
        using var r = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        try
        {
            if (!r.ReadBytes(4).AsSpan().SequenceEqual(Magic)) throw new InvalidDataException($"{path} is not a weights file (no TCW1 signature)");
            var (frames, channels, tiles) = (r.ReadInt32(), r.ReadInt32(), r.ReadInt32());
            var expected = 16L + 2L * frames * channels * tiles * 8;
            if (frames < 0 || channels is < 1 or > 4 || tiles < 1 || expected > r.BaseStream.Length)
                throw new InvalidDataException($"{path} declares {frames} frames × {channels} channels × {tiles} tiles, more than its {r.BaseStream.Length} bytes hold");
            var channelNames = Names(r, channels);
            var frameNames = Names(r, frames);
            var tileTypes = Names(r, tiles);
            double[][][] Cube()
            {
                var cube = new double[frames][][];
                for (var f = 0; f < frames; f++)
                {
                    cube[f] = new double[channels][];
                    for (var c = 0; c < channels; c++)
                    {
                        cube[f][c] = new double[tiles];
                        for (var t = 0; t < tiles; t++) cube[f][c][t] = r.ReadDouble();
                    }
                }
                return cube;
            }
            var quality = Cube();
            var weight = Cube();
            return new LocalWeights { Channels = channelNames, Frames = frameNames, TileTypes = tileTypes, Quality = quality, Weight = weight };
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{path} ends early (truncated weights file)");
        }
    }

    private static List<string> Names(BinaryReader r, int count)
    {
        var names = new List<string>(count);
        for (var i = 0; i < count; i++) names.Add(r.ReadString());
        return names;
    }
}
