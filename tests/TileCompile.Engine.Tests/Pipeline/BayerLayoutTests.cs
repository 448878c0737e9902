using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;
using TileCompile.Engine.Metrics;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

/// <summary>Colour sessions of every Bayer layout, stacked end to end, measured against the generator's truth.</summary>
public class BayerLayoutTests
{
    private static StackedSession Stack(string layout, string config = "", double seeing = 2.4, int seed = 40, Action<FitsHeader>? rewrite = null) =>
        StackedSession.Run(new SampleSkyOptions
        {
            Width = 320, Height = 256, Frames = 16, Seed = seed, Sensor = SampleSensor.Rggb, CfaPattern = layout, SeeingFwhm = seeing,
            StarDensity = 40, SatelliteTrail = false, BadFrame = false, ExtendedObject = false,
        }, config, rewrite);

    // Each star's ratio carries photon noise of a few percent; the median over the stars must be true to 2 %, and a
    // wrong layout (colours swapped or mixed) would put the typical star off by tens of percent.
    private static void AssertTrueColours(List<double> errors, string what)
    {
        var typical = RobustStats.Median(errors.Select(Math.Abs).ToList());
        var bias = RobustStats.Median(errors);
        Assert.True(typical < 0.05 && Math.Abs(bias) < 0.02,
            $"{what}: star colours of {errors.Count / 2} stars are off by {100 * typical:0.0} % typically, {100 * bias:+0.0;-0.0} % on the median " +
            $"(R/G {100 * RobustStats.Median(errors.Where((_, k) => k % 2 == 0).ToList()):+0.0;-0.0} %, " +
            $"B/G {100 * RobustStats.Median(errors.Where((_, k) => k % 2 == 1).ToList()):+0.0;-0.0} %), against the generator's truth");
    }

    [Theory]
    [InlineData("RGGB")]
    [InlineData("BGGR")]
    [InlineData("GRBG")]
    [InlineData("GBRG")]
    public void Star_colours_come_through_every_layout_within_two_percent(string layout)
    {
        using var session = Stack(layout);
        AssertTrueColours(session.ColourErrors(), layout);
    }

    [Theory]
    [InlineData("RGGB", 1, 0, null)]        // RGGB moved one column: the stored pixels are GRBG
    [InlineData("BGGR", 0, 0, "TOP-DOWN")]  // BGGR stated bottom-up, rows stored top-down: GRBG again
    [InlineData("GBRG", 1, 1, "BOTTOM-UP")] // GBRG moved by one in both directions: GRBG
    public void Bayer_offsets_and_row_order_in_the_headers_are_honoured(string declared, int xOffset, int yOffset, string? rowOrder)
    {
        // GRBG frames whose headers describe the same photosites in another way; the colours must come out the same.
        using var session = Stack("GRBG", rewrite: header =>
        {
            header.Set("BAYERPAT", declared, "colour filter array");
            header.Set("XBAYROFF", (long)xOffset, "Bayer x offset");
            header.Set("YBAYROFF", (long)yOffset, "Bayer y offset");
            if (rowOrder is not null) header.Set("ROWORDER", rowOrder, "row order");
        });
        AssertTrueColours(session.ColourErrors(), $"BAYERPAT {declared}, XBAYROFF {xOffset}, YBAYROFF {yOffset}, ROWORDER {rowOrder ?? "absent"}");
    }

    [Fact]
    public void Debayering_before_warping_keeps_stars_sharper_than_half_resolution_planes()
    {
        using var full = Stack("GRBG", seeing: 2.2, seed: 44);
        using var half = Stack("GRBG", "registration:\n  debayer: half_resolution\n", seeing: 2.2, seed: 44);
        var fullFwhm = MedianFwhm(full);
        var halfFwhm = MedianFwhm(half);
        Assert.True(fullFwhm < 0.9 * halfFwhm, $"FWHM {fullFwhm:0.00} px debayered first against {halfFwhm:0.00} px on half-resolution planes");
        // The seeing of the frames is 2.2 px (± a few %); registration and stacking may widen it a little, not by a third.
        Assert.True(fullFwhm < 2.2 * 1.25, $"FWHM {fullFwhm:0.00} px for frames of 2.2 px seeing");
        // The registration manifest says which colour path was taken.
        Assert.Contains("debayered at full resolution", File.ReadAllText(full.Artifact("state/phase-01.json")));
    }

    private static double MedianFwhm(StackedSession s)
    {
        using var image = FitsImage.Open(s.Outcome.Output!);
        var green = new ImagePlane(image.Width, image.Height, image.ReadPlane(1));
        var fwhm = s.Measurable(image.Width, image.Height).Select(m => MoffatFit.Fit(green, m.X, m.Y)?.Fwhm ?? double.NaN).Where(double.IsFinite).ToList();
        Assert.True(fwhm.Count >= 6, $"only {fwhm.Count} stars could be fitted");
        return RobustStats.Median(fwhm);
    }
}
