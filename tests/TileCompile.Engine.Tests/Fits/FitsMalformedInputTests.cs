using System.Text;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Fits;

public class FitsMalformedInputTests
{
    private static readonly string[] Good =
    {
        "SIMPLE  =                    T", "BITPIX  =                   16", "NAXIS   =                    2",
        "NAXIS1  =                    4", "NAXIS2  =                    3",
    };

    private static FitsFormatException Fail(byte[] bytes, string name = "bad.fit")
    {
        using var dir = new TempDirectory();
        var path = dir.File(name);
        File.WriteAllBytes(path, bytes);
        var before = File.ReadAllBytes(path);
        var e = Assert.Throws<FitsFormatException>(() =>
        {
            using var image = FitsImage.Open(path);
            image.ReadPlane();
        });
        Assert.Equal(path, e.File);
        Assert.Contains(name, e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        return e;
    }

    private static byte[] Data(int bytes) => RawFits.Padded(new byte[bytes]);

    [Fact]
    public void TruncatedDataNamesTheAxes()
    {
        var bytes = RawFits.Concat(RawFits.Header(Good.Append("END").ToArray()), new byte[10]);
        var e = Fail(bytes);
        Assert.Equal("NAXIS2", e.Card);
        Assert.Contains("24 bytes of data", e.Message);
        Assert.Contains("only 10 bytes", e.Message);
        Assert.Equal(2880, e.ByteOffset);
    }

    [Fact]
    public void FileCutInsideTheHeader()
    {
        var bytes = RawFits.Header(Good.Append("END").ToArray())[..1000];
        Assert.Contains("less than one 2880-byte header block", Fail(bytes).Message);
        var twoBlocks = Good.Concat(Enumerable.Range(0, 40).Select(i => $"KEY{i,-5}=                    {i}")).Append("END").ToArray();
        var cut = RawFits.Header(twoBlocks)[..4000];
        Assert.Contains("truncated inside the header", Fail(cut).Message);
    }

    [Fact]
    public void MissingEndCard()
    {
        var cards = Good.Concat(Enumerable.Range(0, 31).Select(i => $"KEY{i,-5}=                    {i}")).ToArray();
        var bytes = RawFits.Header(cards);
        var e = Fail(bytes);
        Assert.Contains("END card was not found", e.Message);
    }

    [Fact]
    public void EndCardWithGarbage()
    {
        var bytes = RawFits.Concat(RawFits.Header(Good.Append("END     garbage").ToArray()), Data(24));
        var e = Fail(bytes);
        Assert.Equal("END", e.Card);
        Assert.Equal(5 * 80, e.ByteOffset);
    }

    [Fact]
    public void AbsurdAxisLengthsAreRejectedWithoutAllocating()
    {
        var cards = new[] { Good[0], Good[1], Good[2], "NAXIS1  =          99999999999", "NAXIS2  =          99999999999", "END" };
        var e = Fail(RawFits.Concat(RawFits.Header(cards), Data(24)));
        Assert.Contains("NAXIS", e.Card);
        var overflow = new[] { Good[0], Good[1], "NAXIS   =                    3", "NAXIS1  =  9000000000000000000", "NAXIS2  =  9000000000000000000", "NAXIS3  =                    9", "END" };
        Assert.Contains("absurd", Fail(RawFits.Concat(RawFits.Header(overflow), Data(24))).Message);
        var negative = new[] { Good[0], Good[1], Good[2], "NAXIS1  =                   -4", Good[4], "END" };
        Assert.Contains("negative", Fail(RawFits.Concat(RawFits.Header(negative), Data(24))).Message);
        var manyAxes = new[] { Good[0], Good[1], "NAXIS   =                 5000", "END" };
        Assert.Equal("NAXIS", Fail(RawFits.Concat(RawFits.Header(manyAxes), Data(24))).Card);
    }

    [Fact]
    public void NonAsciiHeaderByte()
    {
        var header = RawFits.Header(Good.Append("OBSERVER= 'J" + "\u00fcrgen'").Append("END").ToArray());
        var e = Fail(RawFits.Concat(header, Data(24)));
        Assert.Equal("OBSERVER", e.Card);
        Assert.Equal(5 * 80 + 12, e.ByteOffset);
        Assert.Contains("0xFC", e.Message);
    }

    [Fact]
    public void MissingSimple()
    {
        var cards = new[] { "BITPIX  =                   16" }.Concat(Good.Skip(2)).Append("END").ToArray();
        var e = Fail(RawFits.Concat(RawFits.Header(cards), Data(24)));
        Assert.Contains("not a FITS file", e.Message);
        Assert.Equal(0, e.ByteOffset);
    }

    [Fact]
    public void NotAFitsFileAtAll()
    {
        var e = Fail(Encoding.ASCII.GetBytes(new string('x', 3000)), "photo.jpg");
        Assert.Contains("not a FITS file", e.Message);
    }

    [Fact]
    public void EmptyFile() => Assert.Contains("the file is empty", Fail(Array.Empty<byte>()).Message);

    [Fact]
    public void InvalidBitpix()
    {
        var cards = new[] { Good[0], "BITPIX  =                   12" }.Concat(Good.Skip(2)).Append("END").ToArray();
        Assert.Equal("BITPIX", Fail(RawFits.Concat(RawFits.Header(cards), Data(24))).Card);
    }

    [Fact]
    public void UnterminatedString()
    {
        var cards = Good.Append("OBJECT  = 'M31").Append("END").ToArray();
        var e = Fail(RawFits.Concat(RawFits.Header(cards), Data(24)));
        Assert.Equal("OBJECT", e.Card);
        Assert.Contains("closing quote", e.Message);
    }

    [Fact]
    public void HeaderOnlyFileHasNoImage()
    {
        var cards = new[] { Good[0], Good[1], "NAXIS   =                    0", "END" };
        Assert.Contains("holds no image", Fail(RawFits.Header(cards)).Message);
    }

    [Fact]
    public void RandomCorruptionNeverCrashes()
    {
        using var dir = new TempDirectory();
        var path = dir.File("good.fit");
        FitsWriter.WriteUInt16(path, new ushort[64 * 64], 64, 64, header: SampleHeader());
        var good = File.ReadAllBytes(path);
        var rng = new Random(1234);
        for (var trial = 0; trial < 300; trial++)
        {
            var bytes = (byte[])good.Clone();
            var edits = rng.Next(1, 6);
            for (var k = 0; k < edits; k++) bytes[rng.Next(0, 2880)] = (byte)rng.Next(0, 256);
            if (rng.Next(4) == 0) Array.Resize(ref bytes, rng.Next(0, bytes.Length));
            var p = dir.File($"c{trial}.fit");
            File.WriteAllBytes(p, bytes);
            try
            {
                using var image = FitsImage.Open(p);
                image.ReadPlane();
            }
            catch (FitsFormatException)
            {
            }
        }
    }

    private static FitsHeader SampleHeader()
    {
        var h = new FitsHeader();
        h.Set("EXPTIME", 10.0);
        h.Set("BAYERPAT", "RGGB");
        h.Set("INSTRUME", "Test");
        return h;
    }
}
