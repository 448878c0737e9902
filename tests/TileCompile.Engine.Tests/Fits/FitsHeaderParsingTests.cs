using TileCompile.Engine.Fits;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Fits;

public class FitsHeaderParsingTests
{
    private static FitsHeader Parse(params string[] cards)
    {
        using var dir = new TempDirectory();
        var all = new List<string> { "SIMPLE  =                    T", "BITPIX  =                   16", "NAXIS   =                    2", "NAXIS1  =                    2", "NAXIS2  =                    1" };
        all.AddRange(cards);
        all.Add("END");
        var path = dir.File("p.fit");
        File.WriteAllBytes(path, RawFits.Concat(RawFits.Header(all.ToArray()), RawFits.Padded(new byte[4])));
        return FitsImage.ReadHeader(path);
    }

    [Fact]
    public void ValuesOfEveryTypeAreParsed()
    {
        var h = Parse(
            "OBJECT  = 'M 42 ''Orion'''     / target",
            "EMPTYSTR= ''",
            "FLAG    =                    F / logical",
            "COUNT   =                 -123",
            "EXPTIME =               1.5D01 / Fortran exponent",
            "SMALL   =              -2.5E-3",
            "CPLX    = (1.5, -2.0)",
            "UNDEF   =                      / no value",
            "COMMENT plain comment text",
            "HISTORY step one",
            "        blank keyword commentary",
            "HIERARCH ESO TEL ALT = 45.25 / altitude");
        Assert.Equal("M 42 'Orion'", h.GetString("OBJECT"));
        Assert.Equal("target", h.Find("OBJECT")!.Comment);
        Assert.Equal("", h.GetString("EMPTYSTR"));
        Assert.False(h.GetLogical("FLAG"));
        Assert.Equal(-123, h.GetInteger("COUNT"));
        Assert.Equal(15.0, h.GetDouble("EXPTIME"));
        Assert.Equal(-2.5e-3, h.GetDouble("SMALL"));
        var c = h.Find("CPLX")!.Value;
        Assert.Equal((FitsValueKind.Complex, 1.5, -2.0), (c.Kind, c.Real, c.Imaginary));
        Assert.Equal(FitsValueKind.Undefined, h.Find("UNDEF")!.Value.Kind);
        Assert.Contains(h.Cards, x => x.IsCommentary && x.Keyword == "COMMENT" && x.Comment == "plain comment text");
        Assert.Contains(h.Cards, x => x.IsCommentary && x.Keyword == "HISTORY" && x.Comment == "step one");
        Assert.Contains(h.Cards, x => x.IsCommentary && x.Keyword == "" && x.Comment == "blank keyword commentary");
        Assert.Equal(45.25, h.GetDouble("ESO TEL ALT"));
    }

    [Fact]
    public void ContinueCardsJoinIntoOneString()
    {
        var h = Parse(
            "LONG    = 'first part &'",
            "CONTINUE  'second part &'",
            "CONTINUE  'end' / the comment");
        Assert.Equal("first part second part end", h.GetString("LONG"));
        Assert.Equal("the comment", h.Find("LONG")!.Comment);
        Assert.DoesNotContain(h.Cards, x => x.Keyword == "CONTINUE");
    }

    [Fact]
    public void QuotedNumbersAreReadAsNumbers()
    {
        var h = Parse("XBAYROFF= '1'", "EXPOSURE= '10.0'");
        Assert.Equal(1.0, h.GetDouble("XBAYROFF"));
        Assert.Equal(10.0, h.GetDouble("EXPOSURE"));
    }
}
