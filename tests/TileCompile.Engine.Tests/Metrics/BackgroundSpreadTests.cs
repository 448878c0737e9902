using TileCompile.Engine.Imaging;
using TileCompile.Engine.Metrics;

namespace TileCompile.Engine.Tests.Metrics;

public class BackgroundSpreadTests
{
    [Fact]
    public void A_flat_sky_with_stars_has_almost_no_spread_and_a_ramp_has_its_own()
    {
        var random = new Random(1);
        var flat = new ImagePlane(640, 512);
        for (var i = 0; i < flat.Data.Length; i++) flat.Data[i] = (float)(1000 + 10 * (random.NextDouble() - 0.5));
        for (var k = 0; k < 300; k++) flat[random.Next(640), random.Next(512)] = 30000; // stars do not move a block's median
        Assert.True(StackQuality.BackgroundSpread(flat) < 0.002);

        // A 10 % ramp across the frame: the blocks' medians span it (less the 5 % borders and the block size).
        var ramp = new ImagePlane(640, 512);
        for (var y = 0; y < 512; y++) for (var x = 0; x < 640; x++) ramp[x, y] = (float)(1000 * (1 + 0.1 * x / 639.0));
        Assert.InRange(StackQuality.BackgroundSpread(ramp), 0.07, 0.085);
    }
}
