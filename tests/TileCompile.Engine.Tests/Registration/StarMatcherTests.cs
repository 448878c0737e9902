using TileCompile.Engine.Registration;

namespace TileCompile.Engine.Tests.Registration;

/// <summary>Matching two star lists: the transform between them, found from triangles and refined on all pairs.</summary>
public class StarMatcherTests
{
    private static List<Star> Field(int seed, int count = 80)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => new Star(20 + 460 * random.NextDouble(), 20 + 340 * random.NextDouble(), 1000 + 50000 * random.NextDouble(), 100, 3, 0.95, 0))
            .OrderByDescending(s => s.Flux).ToList();
    }

    private static List<Star> Moved(IEnumerable<Star> stars, AffineTransform map, double jitter, int seed)
    {
        var random = new Random(seed);
        return stars.Select(s =>
        {
            var (x, y) = map.Apply(s.X, s.Y);
            return s with { X = x + jitter * (random.NextDouble() - 0.5), Y = y + jitter * (random.NextDouble() - 0.5) };
        }).ToList();
    }

    private static AffineTransform Rotation(double degrees, double tx, double ty)
    {
        var r = degrees * Math.PI / 180;
        return new AffineTransform(Math.Cos(r), -Math.Sin(r), tx, Math.Sin(r), Math.Cos(r), ty);
    }

    [Fact]
    public void A_rotated_and_shifted_field_is_matched_to_a_fraction_of_a_pixel()
    {
        var reference = Field(1);
        var truth = Rotation(4, 12.5, -7.25);
        var result = StarMatcher.Match(reference, Moved(reference, truth, 0.1, 2));
        Assert.NotNull(result);
        Assert.True(result!.Inliers >= 70, $"{result.Inliers} inliers");
        Assert.True(result.Transform.RmsDistance(truth, 500, 380) < 0.05, $"off by {result.Transform.RmsDistance(truth, 500, 380):0.000} px");
    }

    [Fact]
    public void Stars_only_one_side_has_do_not_spoil_the_match()
    {
        var reference = Field(3);
        var truth = Rotation(-2, -20, 15);
        // Every third reference star is missing from the frame (clouds, the edge), and 25 of the frame's are not in the
        // reference (hot pixels, noise).
        var frame = Moved(reference.Where((_, i) => i % 3 != 1), truth, 0.1, 4).Concat(Field(5, 25)).OrderByDescending(s => s.Flux).ToList();
        var result = StarMatcher.Match(reference, frame);
        Assert.NotNull(result);
        Assert.True(result!.Transform.RmsDistance(truth, 500, 380) < 0.1, $"off by {result.Transform.RmsDistance(truth, 500, 380):0.000} px");
    }

    [Fact]
    public void Unrelated_fields_do_not_match()
    {
        var result = StarMatcher.Match(Field(6), Field(7));
        Assert.True(result is null || result.Inliers < 10, $"{result?.Inliers} inliers between unrelated fields");
    }
}
