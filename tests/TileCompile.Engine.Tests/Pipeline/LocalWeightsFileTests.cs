using TileCompile.Engine.Pipeline.Phases;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

public class LocalWeightsFileTests
{
    private static LocalWeights Sample() => new()
    {
        Channels = new() { "R", "G", "B" },
        Frames = new() { "a.fit", "b.fit" },
        TileTypes = new() { "STAR", "STRUCTURE" },
        Quality = Enumerable.Range(0, 2).Select(f => Enumerable.Range(0, 3).Select(c => new[] { f + 0.1 * c, -f - 0.25 }).ToArray()).ToArray(),
        Weight = Enumerable.Range(0, 2).Select(f => Enumerable.Range(0, 3).Select(c => new[] { Math.E * (f + 1), 1.0 / (c + 3) }).ToArray()).ToArray(),
    };

    [Fact]
    public void CubesAndNamesSurviveTheRoundTripExactly()
    {
        using var dir = new TempDirectory();
        var path = dir.File("weights.bin");
        var original = Sample();
        using (var s = File.Create(path)) LocalWeightsFile.Write(s, original);
        var read = LocalWeightsFile.Read(path);
        Assert.Equal(original.Channels, read.Channels);
        Assert.Equal(original.Frames, read.Frames);
        Assert.Equal(original.TileTypes, read.TileTypes);
        Assert.Equal(original.Quality.SelectMany(f => f.SelectMany(c => c)), read.Quality.SelectMany(f => f.SelectMany(c => c)));
        Assert.Equal(original.Weight.SelectMany(f => f.SelectMany(c => c)), read.Weight.SelectMany(f => f.SelectMany(c => c)));
    }

    [Fact]
    public void ATruncatedOrForeignFileIsRefusedNamingIt()
    {
        using var dir = new TempDirectory();
        var path = dir.File("weights.bin");
        using (var s = File.Create(path)) LocalWeightsFile.Write(s, Sample());
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 20)]);
        var truncated = Assert.Throws<InvalidDataException>(() => LocalWeightsFile.Read(path));
        Assert.Contains(path, truncated.Message);
        File.WriteAllText(path, "{\"not\": \"weights\"}");
        var foreign = Assert.Throws<InvalidDataException>(() => LocalWeightsFile.Read(path));
        Assert.Contains("not a weights file", foreign.Message);
    }
}
