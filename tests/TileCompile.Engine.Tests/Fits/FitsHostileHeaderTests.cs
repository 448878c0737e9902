using TileCompile.Engine.Fits;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Fits;

/// <summary>Header values that look plausible but cannot be right: refused or excluded, naming the card.</summary>
public class FitsHostileHeaderTests
{
    private static string Write(TempDirectory dir, string name, params string[] extra)
    {
        var cards = new List<string> { "SIMPLE  =                    T", "BITPIX  =                   16", "NAXIS   =                    2",
            "NAXIS1  =                    4", "NAXIS2  =                    4" };
        cards.AddRange(extra);
        cards.Add("END");
        var path = dir.File(name);
        File.WriteAllBytes(path, RawFits.Concat(RawFits.Header(cards.ToArray()), RawFits.Padded(new byte[32])));
        return path;
    }

    [Theory]
    [InlineData("BSCALE  = 'abc'", "BSCALE", "'abc' is not a number")]
    [InlineData("BZERO   = 'lots'", "BZERO", "'lots' is not a number")]
    [InlineData("BSCALE  =                    0", "BSCALE", "BSCALE = 0")]
    [InlineData("NAXIS1  =                    4", "NAXIS1", "appears more than once")]
    [InlineData("BITPIX  =                  -32", "BITPIX", "appears more than once")]
    public void AStructuralCardThatIsUnusableOrRepeatedIsRefusedByName(string card, string keyword, string message)
    {
        using var dir = new TempDirectory();
        var path = Write(dir, "bad.fit", card);
        var e = Assert.Throws<FitsFormatException>(() => { using var _ = FitsImage.Open(path); });
        Assert.Equal(keyword, e.Card);
        Assert.Contains(message, e.Message);
        Assert.Contains("bad.fit", e.Message);
    }

    [Theory]
    [InlineData("EXPTIME = 'ten seconds'", "EXPTIME = 'ten seconds' is not a number of seconds")]
    [InlineData("EXPTIME =                 -5.0", "EXPTIME = -5 is negative")]
    [InlineData("BAYERPAT= 'XYZW'", "BAYERPAT = 'XYZW' is not a Bayer pattern")]
    public void AFrameWithAnUnusableCameraCardIsExcludedSayingWhy(string card, string reason)
    {
        using var dir = new TempDirectory();
        var good = Write(dir, "good.fit", "EXPTIME =                 10.0");
        var bad = Write(dir, "odd.fit", card);
        var scan = InputScanner.Scan(new[] { good, bad }, 5);
        Assert.Equal(new[] { good }, scan.Frames.Select(f => f.Path));
        Assert.Contains(reason, Assert.Single(scan.Excluded).Reason);
    }

    [Fact]
    public void ARepeatedExposureMustAgreeWithItself()
    {
        using var dir = new TempDirectory();
        var same = Write(dir, "same.fit", "EXPTIME =                 10.0", "EXPTIME =                 10.0");
        var differ = Write(dir, "differ.fit", "EXPTIME =                 10.0", "EXPTIME =                 20.0");
        var scan = InputScanner.Scan(new[] { same, differ }, 5);
        Assert.Equal(new[] { same }, scan.Frames.Select(f => f.Path));
        Assert.Contains("EXPTIME appears 2 times with different values (10, 20)", Assert.Single(scan.Excluded).Reason);
    }

    [Fact]
    public void AConfiguredBayerPatternOverridesAnUnreadableOne()
    {
        using var dir = new TempDirectory();
        var odd = Write(dir, "odd.fit", "BAYERPAT= 'XYZW'");
        var scan = InputScanner.Scan(new[] { odd }, 5, bayerOverride: "RGGB");
        Assert.Equal("RGGB", Assert.Single(scan.Frames).BayerPattern);
    }
}

/// <summary>Stacked images among the lights (the telescope's own, or an earlier result) are left out, saying what they are.</summary>
public class StackedImagesAmongLightsTests
{
    [Fact]
    public void TheTelescopesStackAndAnyStackedResultAreLeftOut()
    {
        using var dir = new TempDirectory();
        string Frame(string name, params string[] extra)
        {
            var cards = new List<string> { "SIMPLE  =                    T", "BITPIX  =                   16", "NAXIS   =                    2",
                "NAXIS1  =                    4", "NAXIS2  =                    4", "EXPTIME =                 10.0" };
            cards.AddRange(extra);
            cards.Add("END");
            var path = dir.File(name);
            File.WriteAllBytes(path, RawFits.Concat(RawFits.Header(cards.ToArray()), RawFits.Padded(new byte[32])));
            return path;
        }
        var light = Frame("Light_M 94_10.0s_IRCUT_20250326-212046.fit");
        var seestar = Frame("Stacked_32_M 94_10.0s_IRCUT_20250326-213000.fit");
        var ours = Frame("stacked.fit", "NCOMBINE=                   32");
        var dwarfStack = Frame("stacked-16_M31_EXP_15_GAIN_60.fits");
        var dwarfFailed = Frame("failed_M31_EXP_15_GAIN_60_0042.fits");
        var scan = InputScanner.Scan(new[] { light, seestar, ours, dwarfStack, dwarfFailed }, 5);
        Assert.Equal(new[] { light }, scan.Frames.Select(f => f.Path));
        var reasons = scan.Excluded.ToDictionary(e => Path.GetFileName(e.Path), e => e.Reason);
        Assert.Contains("telescope's own stacked image (Stacked_*)", reasons[Path.GetFileName(seestar)]);
        Assert.Contains("a stack of 32 frames", reasons["stacked.fit"]);
        Assert.Contains("telescope's own stacked image (stacked-*)", reasons[Path.GetFileName(dwarfStack)]);
        Assert.Contains("flagged as failed by the telescope", reasons[Path.GetFileName(dwarfFailed)]);
    }
}
