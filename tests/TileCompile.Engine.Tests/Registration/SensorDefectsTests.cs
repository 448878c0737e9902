using TileCompile.Engine.Imaging;
using TileCompile.Engine.Registration;

namespace TileCompile.Engine.Tests.Registration;

public class SensorDefectsTests
{
    // Frames of sky noise with a star field that moves from frame to frame, and defects fixed on the sensor.
    private static List<ImagePlane> Frames(int count, (int X, int Y)[] hot, (int X, int Y)[] cold, int drift)
    {
        var frames = new List<ImagePlane>();
        var random = new Random(11);
        for (var f = 0; f < count; f++)
        {
            var image = new ImagePlane(160, 120);
            for (var i = 0; i < image.Data.Length; i++) image.Data[i] = (float)(1000 + 10 * (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 2);
            foreach (var (sx, sy) in new[] { (40, 40), (100, 70), (130, 30) })
            {
                var (cx, cy) = (sx + drift * f, sy + drift * f / 2.0);
                for (var y = (int)cy - 6; y <= cy + 6; y++)
                for (var x = (int)cx - 6; x <= cx + 6; x++)
                    if (x >= 0 && y >= 0 && x < 160 && y < 120)
                        image[x, y] += (float)(5000 * Math.Exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * 1.3 * 1.3)));
            }
            foreach (var (x, y) in hot) image[x, y] += 400;
            foreach (var (x, y) in cold) image[x, y] -= 300;
            frames.Add(image);
        }
        return frames;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Finds_pixels_that_deviate_in_most_frames_and_not_moving_stars(bool mosaic)
    {
        var hot = new[] { (20, 20), (77, 91), (150, 100) };
        var cold = new[] { (60, 15) };
        var frames = Frames(10, hot, cold, drift: 3);
        var defects = SensorDefects.Find(frames, mosaic, Array.Empty<(double, double)>());
        var expected = hot.Concat(cold).Select(p => p.Item2 * 160 + p.Item1).OrderBy(i => i).ToArray();
        Assert.Equal(expected, defects.OrderBy(i => i).ToArray());
    }

    [Fact]
    public void A_star_that_stays_on_the_same_pixels_is_not_a_defect()
    {
        var frames = Frames(10, Array.Empty<(int, int)>(), Array.Empty<(int, int)>(), drift: 0);
        var defects = SensorDefects.Find(frames, mosaic: true, new[] { (40.0, 40.0), (100.0, 70.0), (130.0, 30.0) });
        Assert.Empty(defects);
    }

    [Fact]
    public void Repair_fills_defects_and_holes_from_their_own_colour_and_reports_the_holes()
    {
        var frame = Frames(1, new[] { (20, 20) }, Array.Empty<(int, int)>(), 0)[0];
        frame[50, 50] = float.NaN;
        frame[51, 50] = float.PositiveInfinity;
        var holes = SensorDefects.Repair(frame, new[] { 20 * 160 + 20 }, mosaic: true);
        Assert.Equal(new[] { 50 * 160 + 50, 50 * 160 + 51 }, holes);
        Assert.InRange(frame[20, 20], 960, 1040);
        Assert.InRange(frame[50, 50], 960, 1040);
        Assert.InRange(frame[51, 50], 960, 1040);
    }

    [Fact]
    public void Holes_are_masked_after_warping_where_they_land()
    {
        var warped = new ImagePlane(64, 64);
        Array.Fill(warped.Data, 1f);
        var shift = new AffineTransform(1, 0, 5, 0, 1, -3); // reference → frame
        SensorDefects.MaskHoles(warped, new[] { 30 * 64 + 30 }, shift, mosaic: false);
        Assert.True(float.IsNaN(warped[25, 33]));
        Assert.Equal(1f, warped[30, 30]);
        Assert.InRange(warped.Data.Count(float.IsNaN), 1, 9);
    }
}
