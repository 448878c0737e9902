using TileCompile.Engine.Fits;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Fits;

public class FitsRoundTripTests
{
    [Fact]
    public void Float32ImageReadsBackBitExact()
    {
        using var dir = new TempDirectory();
        var rng = new Random(7);
        var data = new float[37 * 23];
        for (var i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 1e4 - 100);
        data[5] = float.NaN;
        var path = dir.File("f.fit");
        FitsWriter.WriteFloat32(path, data, 37, 23);

        using var image = FitsImage.Open(path);
        Assert.Equal((37, 23, 1, -32), (image.Width, image.Height, image.Planes, image.Bitpix));
        var back = image.ReadPlane();
        Assert.True(float.IsNaN(back[5]));
        back[5] = data[5] = 0;
        Assert.Equal(data, back);
        Assert.Equal(0, new FileInfo(path).Length % 2880);
    }

    [Fact]
    public void UInt16ImageKeepsFullRange()
    {
        using var dir = new TempDirectory();
        var data = new ushort[] { 0, 1, 32767, 32768, 65534, 65535 };
        var path = dir.File("u.fit");
        FitsWriter.WriteUInt16(path, data, 3, 2);
        using var image = FitsImage.Open(path);
        Assert.Equal(16, image.Bitpix);
        Assert.Equal(new float[] { 0, 1, 32767, 32768, 65534, 65535 }, image.ReadPlane());
        Assert.Equal(32768, image.Header.GetInteger("BZERO"));
    }

    [Fact]
    public void RgbCubeKeepsPlanesApart()
    {
        using var dir = new TempDirectory();
        var data = new float[4 * 3 * 3];
        for (var i = 0; i < data.Length; i++) data[i] = i / 12 * 100 + i % 12;
        var path = dir.File("rgb.fit");
        FitsWriter.WriteFloat32(path, data, 4, 3, planes: 3);
        using var image = FitsImage.Open(path);
        Assert.Equal(3, image.Planes);
        for (var p = 0; p < 3; p++) Assert.Equal(data.AsSpan(p * 12, 12).ToArray(), image.ReadPlane(p));
    }

    [Fact]
    public void RowBandsMatchTheWholePlane()
    {
        using var dir = new TempDirectory();
        var data = new ushort[50 * 40];
        for (var i = 0; i < data.Length; i++) data[i] = (ushort)(i * 31 % 65536);
        var path = dir.File("rows.fit");
        FitsWriter.WriteUInt16(path, data, 50, 40);
        using var image = FitsImage.Open(path);
        var whole = image.ReadPlane();
        var band = new float[7 * 50];
        image.ReadRows(0, 11, 7, band.AsSpan());
        Assert.Equal(whole.AsSpan(11 * 50, 7 * 50).ToArray(), band);
    }

    [Fact]
    public void HeaderOrderAndUnknownCardsSurviveACopy()
    {
        using var dir = new TempDirectory();
        var header = new FitsHeader();
        header.Set("INSTRUME", "Seestar S50", "camera");
        header.Set("XCUSTOM1", 42L);
        header.AddHistory("calibrated with a master dark");
        header.Set("GAIN", 80.5);
        header.Add(new FitsCard("ESO DET CHIP NAME", FitsValue.FromString("IMX462")));
        header.Set("LONGTEXT", new string('x', 150) + "'quoted'" + new string('y', 40));
        header.AddComment("end of camera cards");
        var path = dir.File("h.fit");
        FitsWriter.WriteFloat32(path, new float[4], 2, 2, header: header);

        var back = FitsImage.ReadHeader(path);
        var copied = back.Cards.Where(c => c.Keyword is not ("SIMPLE" or "BITPIX" or "NAXIS" or "NAXIS1" or "NAXIS2" or "LONGSTRN")).ToList();
        Assert.Equal(header.Cards.Select(c => c.Keyword), copied.Select(c => c.Keyword));
        Assert.Equal(header.GetString("LONGTEXT"), back.GetString("LONGTEXT"));
        Assert.Equal("IMX462", back.GetString("ESO DET CHIP NAME"));
        Assert.Equal(80.5, back.GetDouble("GAIN"));
        Assert.Equal("calibrated with a master dark", back.Cards.First(c => c.Keyword == "HISTORY").Comment);
    }

    [Fact]
    public void WriterRefusesValuesFitsCannotHold()
    {
        using var dir = new TempDirectory();
        var header = new FitsHeader();
        header.Set("BAD", double.NaN);
        var e = Assert.Throws<ArgumentException>(() => FitsWriter.WriteFloat32(dir.File("x.fit"), new float[4], 2, 2, header: header));
        Assert.Contains("BAD", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}
