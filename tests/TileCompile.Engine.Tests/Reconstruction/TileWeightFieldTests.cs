using TileCompile.Engine.Reconstruction;

namespace TileCompile.Engine.Tests.Reconstruction;

/// <summary>Per-pixel weights blended from tile weights with Hann windows.</summary>
public class TileWeightFieldTests
{
    // Tiles of 32 px every 16 px over 100×70 (the last column and row reach past the edge).
    private static readonly TileGrid Grid = new(32, 100, 70, new[] { 0, 16, 32, 48, 64, 80 }, new[] { 0, 16, 32, 48 });

    private static float[] Row(TileWeightField field, int y, double[] weights)
    {
        var row = new float[Grid.Width];
        field.FillRow(y, weights, row, new double[Grid.Xs.Length]);
        return row;
    }

    [Fact]
    public void Equal_tile_weights_give_that_weight_everywhere()
    {
        var field = new TileWeightField(Grid);
        var weights = Enumerable.Repeat(2.5, field.TileCount).ToArray();
        for (var y = 0; y < Grid.Height; y++)
            Assert.All(Row(field, y, weights), w => Assert.InRange(w, 2.5f - 1e-5f, 2.5f + 1e-5f));
    }

    [Fact]
    public void Every_pixel_is_the_window_weighted_mean_of_the_tiles_over_it()
    {
        var field = new TileWeightField(Grid);
        var random = new Random(9);
        var weights = Enumerable.Range(0, field.TileCount).Select(_ => 0.2 + random.NextDouble()).ToArray();
        double Hann(int i) => 0.5 * (1 - Math.Cos(2 * Math.PI * (i + 0.5) / Grid.TileSize));
        for (var y = 0; y < Grid.Height; y += 3)
        {
            var row = Row(field, y, weights);
            for (var x = 0; x < Grid.Width; x++)
            {
                double sum = 0, norm = 0;
                for (var r = 0; r < Grid.Ys.Length; r++)
                for (var c = 0; c < Grid.Xs.Length; c++)
                {
                    var (dx, dy) = (x - Grid.Xs[c], y - Grid.Ys[r]);
                    if (dx < 0 || dy < 0 || dx >= Grid.TileSize || dy >= Grid.TileSize) continue;
                    var h = Hann(dx) * Hann(dy);
                    sum += h * weights[field.TileIndex(c, r)];
                    norm += h;
                }
                Assert.InRange(row[x], sum / norm - 1e-4, sum / norm + 1e-4);
            }
        }
    }

    [Fact]
    public void The_weights_change_smoothly_from_tile_to_tile()
    {
        var field = new TileWeightField(Grid);
        // A checkerboard of 1 and 3: the steepest change there is.
        var weights = Enumerable.Range(0, field.TileCount).Select(t => (t % Grid.Xs.Length + t / Grid.Xs.Length) % 2 == 0 ? 1.0 : 3.0).ToArray();
        var previous = Row(field, 0, weights);
        for (var y = 1; y < Grid.Height; y++)
        {
            var row = Row(field, y, weights);
            for (var x = 1; x < Grid.Width; x++)
            {
                Assert.True(Math.Abs(row[x] - row[x - 1]) < 0.25, $"step {row[x] - row[x - 1]} at ({x}, {y})");
                Assert.True(Math.Abs(row[x] - previous[x]) < 0.25, $"step {row[x] - previous[x]} at ({x}, {y})");
            }
            previous = row;
        }
    }
}
