using TileCompile.Engine.Fits;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Fits;

/// <summary>The reference frame's WCS stays true on the stacked image's grid: scaled by drizzle, shifted by the crop.</summary>
public class WcsGeometryTests
{
    private static FitsHeader Wcs()
    {
        var h = new FitsHeader();
        h.Set("CTYPE1", "RA---TAN-SIP");
        h.Set("CTYPE2", "DEC--TAN-SIP");
        h.Set("CRPIX1", 100.5);
        h.Set("CRPIX2", 80.0);
        h.Set("CRVAL1", 189.0);
        h.Set("CRVAL2", 41.1);
        h.Set("CD1_1", -2.0e-4);
        h.Set("CD1_2", 1.0e-6);
        h.Set("CD2_1", -1.0e-6);
        h.Set("CD2_2", 2.0e-4);
        h.Set("A_ORDER", 2L);
        h.Set("A_2_0", 1e-7);
        h.Set("B_ORDER", 2L);
        h.Set("B_0_2", 1e-7);
        return h;
    }

    [Fact]
    public void ACropMovesTheReferencePixelAndNothingElse()
    {
        var h = Wcs();
        Assert.True(WcsGeometry.Adjust(h, 1, 7, 3));
        Assert.Equal(93.5, h.GetDouble("CRPIX1"));
        Assert.Equal(77.0, h.GetDouble("CRPIX2"));
        Assert.Equal(-2.0e-4, h.GetDouble("CD1_1"));
        Assert.Equal("RA---TAN-SIP", h.GetString("CTYPE1"));
        Assert.True(h.Contains("A_2_0"));
    }

    [Fact]
    public void ADrizzleScaleRefinesTheGridAroundTheSameSkyPoint()
    {
        var h = Wcs();
        Assert.True(WcsGeometry.Adjust(h, 2, 0, 0));
        // Pixel 100.5 of the reference lies at 200.5 on a grid twice as fine (edges at 0.5 stay put).
        Assert.Equal(200.5, h.GetDouble("CRPIX1"));
        Assert.Equal(159.5, h.GetDouble("CRPIX2"));
        Assert.Equal(-1.0e-4, h.GetDouble("CD1_1"));
        Assert.Equal(1.0e-4, h.GetDouble("CD2_2"));
        Assert.False(h.Contains("A_ORDER"));
        Assert.False(h.Contains("B_0_2"));
        Assert.Equal("RA---TAN", h.GetString("CTYPE1"));
        Assert.Equal(189.0, h.GetDouble("CRVAL1"));
    }

    [Fact]
    public void AHeaderWithoutWcsIsLeftAlone()
    {
        var h = new FitsHeader();
        h.Set("OBJECT", "M 94");
        Assert.False(WcsGeometry.Adjust(h, 2, 5, 5));
        Assert.Equal(1, h.Count);
    }

    [Fact]
    public void TheStackedImageCarriesTheReferenceFramesWcs()
    {
        using var session = StackedSession.Run(new SampleSkyOptions { Width = 192, Height = 160, Frames = 8, Seed = 9, StarDensity = 40 },
            rewrite: h =>
            {
                h.Set("CTYPE1", "RA---TAN");
                h.Set("CTYPE2", "DEC--TAN");
                h.Set("CRPIX1", 96.5);
                h.Set("CRPIX2", 80.5);
                h.Set("CRVAL1", 189.0);
                h.Set("CRVAL2", 41.1);
                h.Set("CD1_1", -2.0e-4);
                h.Set("CD2_2", 2.0e-4);
            });
        using var image = FitsImage.Open(session.Outcome.Output!);
        Assert.Equal((192, 160), (image.Width, image.Height));
        Assert.Equal(96.5, image.Header.GetDouble("CRPIX1"));
        Assert.Equal(80.5, image.Header.GetDouble("CRPIX2"));
        Assert.Equal(-2.0e-4, image.Header.GetDouble("CD1_1"));
        Assert.Equal(189.0, image.Header.GetDouble("CRVAL1"));
        Assert.Equal("RA---TAN", image.Header.GetString("CTYPE1"));
    }
}
