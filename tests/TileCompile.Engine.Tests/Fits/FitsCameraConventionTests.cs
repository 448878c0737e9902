using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Tests.Fits;

public class FitsCameraConventionTests
{
    [Theory]
    // pattern, ROWORDER, XBAYROFF, YBAYROFF, effective pattern of the stored pixels
    [InlineData("RGGB", null, 0, 0, "RGGB")]
    [InlineData("RGGB", "BOTTOM-UP", 0, 0, "RGGB")]
    [InlineData("RGGB", "TOP-DOWN", 0, 0, "GBRG")]
    [InlineData("RGGB", null, 1, 0, "GRBG")]
    [InlineData("RGGB", null, 0, 1, "GBRG")]
    [InlineData("RGGB", null, 1, 1, "BGGR")]
    [InlineData("RGGB", "TOP-DOWN", 1, 0, "BGGR")]
    [InlineData("RGGB", "TOP-DOWN", 0, 1, "RGGB")]
    [InlineData("BGGR", "TOP-DOWN", 0, 0, "GRBG")]
    [InlineData("GRBG", "TOP-DOWN", 0, 0, "BGGR")]
    [InlineData("GBRG", "TOP-DOWN", 1, 1, "BGGR")]
    [InlineData("gbrg ", null, 0, 0, "GBRG")]
    public void EffectivePatternCombinesPatternRowOrderAndOffsets(string pattern, string? rowOrder, int xoff, int yoff, string expected)
    {
        var h = new FitsHeader();
        h.Set("BAYERPAT", pattern);
        if (rowOrder is not null) h.Set("ROWORDER", rowOrder);
        if (xoff != 0) h.Set("XBAYROFF", (long)xoff);
        if (yoff != 0) h.Set("YBAYROFF", (long)yoff);
        var info = FitsCameraInfo.FromHeader(h);
        Assert.Equal(expected, info.EffectivePattern!.Value.ToString());
    }

    [Fact]
    public void MonoFramesHaveNoPattern()
    {
        var h = new FitsHeader();
        h.Set("EXPTIME", 4.0);
        var info = FitsCameraInfo.FromHeader(h);
        Assert.Null(info.EffectivePattern);
        Assert.Equal(4.0, info.ExposureSeconds);
    }

    [Fact]
    public void ExposureFallsBackToExposureKeyword()
    {
        var h = new FitsHeader();
        h.Set("EXPOSURE", 20.0);
        Assert.Equal(20.0, FitsCameraInfo.FromHeader(h).ExposureSeconds);
    }

    [Fact]
    public void PatternColoursFollowPixelParity()
    {
        var p = BayerPattern.Rggb;
        Assert.Equal(CfaColor.Red, p.ColorAt(0, 0));
        Assert.Equal(CfaColor.Green, p.ColorAt(1, 0));
        Assert.Equal(CfaColor.Green, p.ColorAt(0, 1));
        Assert.Equal(CfaColor.Blue, p.ColorAt(3, 5));
        Assert.Throws<FormatException>(() => BayerPattern.Parse("RGBG"));
    }
}
