using System.Text.Json;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Fits;

/// <summary>Tile-compressed images as astropy (cfitsio's algorithms) writes them.</summary>
public class FitsCompressedImageTests
{
    private const string Writers = """
        import json, numpy as np
        from astropy.io import fits
        rng = np.random.default_rng(11)
        base = rng.normal(2000, 400, size=(61, 83))
        base[20:25, 30:35] += 30000
        cases = {}
        def save(name, data, **kw):
            hdu = fits.CompImageHDU(data=data, **kw)
            fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(name, overwrite=True)
            with fits.open(name) as h:
                expected = h[1].data
                np.asarray(expected, dtype="<f8").tofile(name + ".bin")
            with fits.open(name, disable_image_compression=True) as raw:
                cases[name] = raw[1].header.get("ZCMPTYPE", "")
        u16 = np.clip(base * 2, 0, 65535).astype(np.uint16)
        i16 = (base - 2000).astype(np.int16)
        i32 = (base * 1000).astype(np.int32)
        u8 = np.clip(base / 200, 0, 255).astype(np.uint8)
        f32 = (base / 3).astype(np.float32); f32[5, 6] = np.nan
        for algo in ["RICE_1", "GZIP_1"]:
            save(f"u16_{algo}.fz", u16, compression_type=algo)
            save(f"i16_{algo}.fz", i16, compression_type=algo)
            save(f"i32_{algo}.fz", i32, compression_type=algo)
            save(f"u8_{algo}.fz", u8, compression_type=algo)
            save(f"f32d1_{algo}.fz", f32, compression_type=algo, quantize_level=16, quantize_method=1, dither_seed=17)
            save(f"f32d2_{algo}.fz", f32, compression_type=algo, quantize_level=16, quantize_method=2, dither_seed=3)
            save(f"f32nd_{algo}.fz", f32, compression_type=algo, quantize_level=16, quantize_method=-1)
        flat = np.zeros((40, 40), dtype=np.int16)
        save("flat_RICE_1.fz", flat, compression_type="RICE_1")
        save("hcomp.fz", i16, compression_type="HCOMPRESS_1")
        print(json.dumps(cases))
        """;

    [Fact]
    public void RiceAndGzipTilesDecodeExactlyAsAstropyDoes()
    {
        using var dir = new TempDirectory();
        using var json = JsonDocument.Parse(ExternalTools.RunPython(Writers, dir.Path));
        var checkedCount = 0;
        foreach (var entry in json.RootElement.EnumerateObject())
        {
            if (entry.Value.GetString() == "HCOMPRESS_1") continue;
            var path = dir.File(entry.Name);
            using (var image = FitsImage.Open(path))
            {
                Assert.Equal(entry.Value.GetString(), image.Compression);
                Assert.Equal(entry.Name.StartsWith("flat") ? (40, 40) : (83, 61), (image.Width, image.Height));
            }
            FitsAstropyInteropTests.AssertReadsAsExpected(path, entry.Name);
            checkedCount++;
        }
        Assert.Equal(15, checkedCount);
    }

    [Fact]
    public void UnsupportedCompressionNamesFileAndAlgorithm()
    {
        using var dir = new TempDirectory();
        ExternalTools.RunPython(Writers, dir.Path);
        var path = dir.File("hcomp.fz");
        var e = Assert.Throws<FitsFormatException>(() => FitsImage.Open(path));
        Assert.Contains("HCOMPRESS_1", e.Message);
        Assert.Contains("hcomp.fz", e.Message);
        Assert.Equal("ZCMPTYPE", e.Card);
    }

    [Fact]
    public void CorruptTileIsAFormatErrorNotACrash()
    {
        using var dir = new TempDirectory();
        ExternalTools.RunPython(Writers, dir.Path);
        var good = File.ReadAllBytes(dir.File("u16_RICE_1.fz"));
        var rng = new Random(3);
        for (var trial = 0; trial < 100; trial++)
        {
            var bytes = (byte[])good.Clone();
            for (var k = 0; k < 8; k++) bytes[rng.Next(5760, bytes.Length)] = (byte)rng.Next(256);
            var p = dir.File($"bad{trial}.fz");
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
}
