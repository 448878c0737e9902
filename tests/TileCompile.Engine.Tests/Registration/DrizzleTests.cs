using TileCompile.Engine.Imaging;
using TileCompile.Engine.Registration;

namespace TileCompile.Engine.Tests.Registration;

public class DrizzleTests
{
    private static ImagePlane Field(int w, int h, int seed)
    {
        var random = new Random(seed);
        var frame = new ImagePlane(w, h);
        for (var i = 0; i < frame.Data.Length; i++) frame.Data[i] = (float)(500 + 50 * random.NextDouble());
        // A few stars well inside the frame.
        foreach (var (sx, sy) in new[] { (20.3, 22.7), (40.5, 18.2), (31.1, 41.6) })
            for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                frame[x, y] += (float)(8000 * Math.Exp(-((x - sx) * (x - sx) + (y - sy) * (y - sy)) / (2 * 1.1 * 1.1)));
        return frame;
    }

    public static TheoryData<double, double, string?> Grids() => new()
    {
        { 1.0, 0.9, null }, { 1.0, 0.5, "GRBG" }, { 1.5, 0.7, null }, { 2.0, 0.6, "RGGB" }, { 2.0, 1.0, "BGGR" },
    };

    [Theory]
    [MemberData(nameof(Grids))]
    public void Every_photosite_keeps_its_flux_in_its_own_colour(double scale, double pixfrac, string? layout)
    {
        // A shift and a small rotation that keep every drop inside the output.
        const int size = 64;
        var frame = Field(size, size, 3);
        var pattern = layout is null ? (BayerPattern?)null : BayerPattern.Parse(layout);
        var angle = 0.4 * Math.PI / 180;
        var map = new AffineTransform(Math.Cos(angle), -Math.Sin(angle), 0.37, Math.Sin(angle), Math.Cos(angle), -0.21);
        var drops = Drizzle.Apply(frame, pattern, map, new DrizzleOptions(scale, pixfrac));

        // Σ weight·value over the output equals each photosite's value times its drop's area (pixfrac², in output
        // pixels scale²·pixfrac²), summed over the photosites whose drops land well inside.
        var planes = drops.Values.Length;
        var expected = new double[planes];
        var margin = 4;
        for (var y = margin; y < size - margin; y++)
        for (var x = margin; x < size - margin; x++)
        {
            var c = pattern is { } p ? (int)p.ColorAt(x, y) : 0;
            expected[c] += frame[x, y] * pixfrac * pixfrac * scale * scale;
        }
        // Only output pixels reached by those inner photosites: the same region mapped onto the output grid.
        var got = new double[planes];
        for (var oy = 0; oy < drops.Height; oy++)
        for (var ox = 0; ox < drops.Width; ox++)
        {
            var (u, v) = map.Apply((ox + 0.5) / scale - 0.5, (oy + 0.5) / scale - 0.5);
            if (u < margin - 0.5 || v < margin - 0.5 || u > size - margin - 0.5 || v > size - margin - 0.5) continue;
            for (var c = 0; c < planes; c++)
            {
                var wgt = drops.Weights[c][oy * drops.Width + ox];
                if (wgt > 0) got[c] += wgt * drops.Values[c][oy * drops.Width + ox];
            }
        }
        for (var c = 0; c < planes; c++)
            Assert.True(Math.Abs(got[c] / expected[c] - 1) < 0.01, $"plane {c}: drizzled flux {got[c]:0} against {expected[c]:0} dropped");
    }

    [Fact]
    public void With_full_drops_and_no_motion_drizzle_is_a_copy_and_each_colour_covers_its_own_photosites()
    {
        var frame = Field(32, 32, 5);
        var mono = Drizzle.Apply(frame, null, AffineTransform.Identity, new DrizzleOptions(1, 1));
        Assert.Equal(frame.Data, mono.Values[0]);
        Assert.All(mono.Weights[0], w => Assert.Equal(1f, w, 5));

        var pattern = BayerPattern.Grbg;
        var colour = Drizzle.Apply(frame, pattern, AffineTransform.Identity, new DrizzleOptions(1, 1));
        for (var y = 0; y < 32; y++)
        for (var x = 0; x < 32; x++)
        for (var c = 0; c < 3; c++)
        {
            var own = (int)pattern.ColorAt(x, y) == c;
            var i = y * 32 + x;
            Assert.Equal(own ? 1f : 0f, colour.Weights[c][i], 5);
            if (own) Assert.Equal(frame.Data[i], colour.Values[c][i]);
            else Assert.True(float.IsNaN(colour.Values[c][i]), $"plane {c} has a value at ({x},{y}) where no {c} photosite is");
        }
    }

    [Fact]
    public void Holes_drop_nothing()
    {
        var frame = Field(32, 32, 7);
        var hole = 10 * 32 + 12;
        var drops = Drizzle.Apply(frame, null, AffineTransform.Identity, new DrizzleOptions(1, 1), new[] { hole });
        Assert.True(float.IsNaN(drops.Values[0][hole]));
        Assert.Equal(0f, drops.Weights[0][hole]);
    }

    [Fact]
    public void A_star_lands_where_the_registration_puts_it_at_every_scale()
    {
        // In one frame a star's drizzled centroid is off by up to ~0.1 px, depending on where the frame's pixels fall
        // on the output grid (each output pixel is the mean of drops not centred on it); dithered frames fall
        // everywhere, and over them the centroid must be where the registration says.
        foreach (var scale in new[] { 1.0, 1.5, 2.0 })
        {
            double ex = 0, ey = 0;
            const int shifts = 8;
            for (var k = 0; k < shifts; k++)
            {
                double tx = 1 + (k + 0.5) / shifts, ty = -0.3 - (k * 3 % shifts + 0.5) / shifts;
                // The frame is the reference shifted by (tx, ty): the star at reference (29, 26) is at frame (29 + tx, 26 + ty).
                var frame = new ImagePlane(64, 64);
                for (var y = 0; y < 64; y++)
                for (var x = 0; x < 64; x++)
                    frame[x, y] = (float)(100 + 5000 * Math.Exp(-((x - 29 - tx) * (x - 29 - tx) + (y - 26 - ty) * (y - 26 - ty)) / (2 * 1.2 * 1.2)));
                var drops = Drizzle.Apply(frame, null, new AffineTransform(1, 0, tx, 0, 1, ty), new DrizzleOptions(scale, 0.7));
                var (cx, cy) = Centroid(drops, scale);
                ex += (cx - 29) / shifts;
                ey += (cy - 26) / shifts;
            }
            Assert.True(Math.Abs(ex) < 0.02 && Math.Abs(ey) < 0.02, $"scale {scale}: over {shifts} dithers the star is off by ({ex:0.000}, {ey:0.000}) px");
        }
    }

    // Signal-weighted centroid in reference pixels; output pixel (x, y) has its centre at reference ((x + ½)/s − ½, …).
    private static (double X, double Y) Centroid(DrizzledFrame drops, double scale)
    {
        double sx = 0, sy = 0, sum = 0;
        for (var y = 0; y < drops.Height; y++)
        for (var x = 0; x < drops.Width; x++)
        {
            var v = drops.Values[0][y * drops.Width + x];
            if (!float.IsFinite(v)) continue;
            var signal = Math.Max(0, v - 100) * drops.Weights[0][y * drops.Width + x];
            sx += signal * x;
            sy += signal * y;
            sum += signal;
        }
        return ((sx / sum + 0.5) / scale - 0.5, (sy / sum + 0.5) / scale - 0.5);
    }
}
