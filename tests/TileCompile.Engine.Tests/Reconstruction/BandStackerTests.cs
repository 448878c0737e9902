using TileCompile.Engine.Fits;
using TileCompile.Engine.Reconstruction;
using TileCompile.Engine.Stacking;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Reconstruction;

/// <summary>Stacking frames band by band from their files.</summary>
public class BandStackerTests
{
    private const int W = 40, H = 30;

    private static List<StackSource> Sources(TempDirectory dir, params float[][] planes) =>
        planes.Select((p, i) =>
        {
            var path = dir.File($"s{i}.fit");
            using (var stream = File.Create(path)) FitsWriter.WriteFloat32(stream, p, W, H);
            return new StackSource(path, 0, 1f);
        }).ToList();

    private static float[] Plane(Func<int, float> value) => Enumerable.Range(0, W * H).Select(value).ToArray();

    [Fact]
    public void Without_rejection_each_pixel_is_the_weighted_mean_and_NaN_samples_are_skipped()
    {
        using var dir = new TempDirectory();
        var a = Plane(i => i);
        var b = Plane(i => 2 * i);
        var c = Plane(i => i % 7 == 0 ? float.NaN : 100);
        var result = BandStacker.Stack(W, H, Sources(dir, a, b, c), new ConstantWeights(new[] { 1.0, 2.0, 1.0 }), null, classic: false, 1 << 20, new ParallelOptions());
        for (var i = 0; i < W * H; i++)
        {
            var expected = i % 7 == 0 ? (a[i] + 2 * b[i]) / 3 : (a[i] + 2 * b[i] + c[i]) / 4;
            Assert.Equal(expected, result.Image[i], 3);
        }
        Assert.Equal(0, result.EmptyPixels);
    }

    [Fact]
    public void The_result_does_not_depend_on_the_band_height_or_the_threads()
    {
        using var dir = new TempDirectory();
        var random = new Random(11);
        var planes = Enumerable.Range(0, 9).Select(_ => Plane(_ => 100 + (float)random.NextDouble() * 10)).ToArray();
        planes[4][123] = 50000;
        var sources = Sources(dir, planes);
        var weights = new ConstantWeights(Enumerable.Range(1, 9).Select(k => (double)k).ToList());
        var clip = new SigmaClipOptions(3, 3, 3, 0.4, Winsorized: true);
        var whole = BandStacker.Stack(W, H, sources, weights, clip, classic: true, 1L << 30, new ParallelOptions());
        var rows = BandStacker.Stack(W, H, sources, weights, clip, classic: true, 1, new ParallelOptions { MaxDegreeOfParallelism = 1 });
        Assert.Equal(whole.Image, rows.Image);
        Assert.Equal(whole.Classic, rows.Classic);
        Assert.InRange(whole.Image[123], 100, 110);
    }

    [Fact]
    public void A_pixel_no_source_has_is_no_data_and_counted()
    {
        using var dir = new TempDirectory();
        var a = Plane(i => i == 5 ? float.NaN : 1);
        var b = Plane(i => i == 5 ? float.NaN : 3);
        var result = BandStacker.Stack(W, H, Sources(dir, a, b), new ConstantWeights(new[] { 1.0, 1.0 }), null, classic: false, 1 << 20, new ParallelOptions());
        Assert.True(float.IsNaN(result.Image[5]));
        Assert.Equal(1, result.EmptyPixels);
        Assert.Equal(2f, result.Image[6]);
    }
}
