using System.Runtime.InteropServices;
using System.Text.Json;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Fits;

/// <summary>Files other tools read: what we write passes fitsverify and reads identically in astropy, and the reverse.</summary>
public class FitsAstropyInteropTests
{
    private static FitsHeader RichHeader()
    {
        var h = new FitsHeader();
        h.Set("OBJECT", "NGC 7000 'North America'", "target");
        h.Set("EXPTIME", 10.0, "seconds");
        h.Set("GAIN", 120L);
        h.Set("CCD-TEMP", -9.5);
        h.Set("SWCREATE", new string('s', 100) + " end");
        h.Set("ISCOOLED", true);
        h.Add(new FitsCard("TC PIPELINE STAGE", FitsValue.FromString("stack")));
        h.AddHistory("stacked by the test suite");
        h.AddComment("written for interop tests");
        return h;
    }

    [Fact]
    public void OurFilesPassFitsverifyWithoutErrors()
    {
        using var dir = new TempDirectory();
        var f = dir.File("float.fit");
        var u = dir.File("u16.fit");
        var c = dir.File("cube.fit");
        FitsWriter.WriteFloat32(f, Enumerable.Range(0, 300).Select(i => i * 0.5f).ToArray(), 20, 15, header: RichHeader());
        FitsWriter.WriteUInt16(u, Enumerable.Range(0, 300).Select(i => (ushort)(i * 200)).ToArray(), 20, 15, header: RichHeader());
        FitsWriter.WriteFloat32(c, new float[20 * 15 * 3], 20, 15, planes: 3, header: RichHeader());
        foreach (var path in new[] { f, u, c })
        {
            var (errors, warnings, report) = ExternalTools.FitsVerify(path);
            Assert.True(errors == 0 && warnings == 0, report);
        }
    }

    [Fact]
    public void AstropyReadsOurFilesIdentically()
    {
        using var dir = new TempDirectory();
        var floats = Enumerable.Range(0, 12 * 7 * 3).Select(i => (float)Math.Sin(i) * 1000f).ToArray();
        var ushorts = Enumerable.Range(0, 12 * 7).Select(i => (ushort)(i * 777 % 65536)).ToArray();
        FitsWriter.WriteFloat32(dir.File("cube.fit"), floats, 12, 7, planes: 3, header: RichHeader());
        FitsWriter.WriteUInt16(dir.File("u16.fit"), ushorts, 12, 7, header: RichHeader());

        var output = ExternalTools.RunPython("""
            import json, numpy as np
            from astropy.io import fits
            out = {}
            for name in ["cube.fit", "u16.fit"]:
                with fits.open(name) as hdul:
                    d = hdul[0].data
                    np.asarray(d, dtype="<f8").tofile(name + ".bin")
                    h = hdul[0].header
                    out[name] = {"shape": list(d.shape), "dtype": str(d.dtype),
                                 "keys": [k for k in h.keys()],
                                 "values": {k: str(h[k]) for k in ["OBJECT", "EXPTIME", "GAIN", "CCD-TEMP", "SWCREATE", "ISCOOLED", "TC PIPELINE STAGE"]},
                                 "history": [str(x) for x in h["HISTORY"]]}
            print(json.dumps(out))
            """, dir.Path);
        using var json = JsonDocument.Parse(output);

        var cube = json.RootElement.GetProperty("cube.fit");
        Assert.Equal("[3,7,12]", cube.GetProperty("shape").GetRawText().Replace(" ", ""));
        Assert.Equal(">f4", cube.GetProperty("dtype").GetString()!.Replace("float32", ">f4"));
        var cubeValues = MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(dir.File("cube.fit.bin"))).ToArray();
        Assert.Equal(floats.Select(x => (double)x), cubeValues);

        var u16 = json.RootElement.GetProperty("u16.fit");
        Assert.Equal("uint16", u16.GetProperty("dtype").GetString());
        var uValues = MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(dir.File("u16.fit.bin"))).ToArray();
        Assert.Equal(ushorts.Select(x => (double)x), uValues);

        var values = u16.GetProperty("values");
        Assert.Equal("NGC 7000 'North America'", values.GetProperty("OBJECT").GetString());
        Assert.Equal("10.0", values.GetProperty("EXPTIME").GetString());
        Assert.Equal("120", values.GetProperty("GAIN").GetString());
        Assert.Equal("-9.5", values.GetProperty("CCD-TEMP").GetString());
        Assert.Equal(new string('s', 100) + " end", values.GetProperty("SWCREATE").GetString());
        Assert.Equal("True", values.GetProperty("ISCOOLED").GetString());
        Assert.Equal("stack", values.GetProperty("TC PIPELINE STAGE").GetString());
        Assert.Equal("stacked by the test suite", u16.GetProperty("history")[0].GetString());
        var keys = u16.GetProperty("keys").EnumerateArray().Select(k => k.GetString()).ToList();
        Assert.True(keys.IndexOf("OBJECT") < keys.IndexOf("EXPTIME") && keys.IndexOf("EXPTIME") < keys.IndexOf("GAIN"));
    }

    private const string AstropyWriters = """
        import json, numpy as np
        from astropy.io import fits
        rng = np.random.default_rng(5)
        cases = {}
        def save(name, hdul, expected):
            hdul.writeto(name, overwrite=True)
            np.asarray(expected, dtype="<f8").tofile(name + ".bin")
            cases[name] = list(np.shape(expected))
        base = rng.normal(1000, 300, size=(33, 47))
        save("u8.fits", fits.HDUList([fits.PrimaryHDU(np.clip(base / 10, 0, 255).astype(np.uint8))]), np.clip(base / 10, 0, 255).astype(np.uint8))
        i16 = (base - 1000).astype(np.int16)
        save("i16.fits", fits.HDUList([fits.PrimaryHDU(i16)]), i16)
        u16 = np.clip(base * 30, 0, 65535).astype(np.uint16)
        save("u16.fits", fits.HDUList([fits.PrimaryHDU(u16)]), u16)
        i32 = (base * 100000).astype(np.int32)
        save("i32.fits", fits.HDUList([fits.PrimaryHDU(i32)]), i32)
        i64 = (base * 1e9).astype(np.int64)
        save("i64.fits", fits.HDUList([fits.PrimaryHDU(i64)]), i64)
        f32 = (base / 7).astype(np.float32); f32[3, 4] = np.nan
        save("f32.fits", fits.HDUList([fits.PrimaryHDU(f32)]), f32)
        f64 = base / 7.0
        save("f64.fits", fits.HDUList([fits.PrimaryHDU(f64)]), f64)
        h = fits.PrimaryHDU(i16.copy()); h.header["BSCALE"] = 0.25; h.header["BZERO"] = 10.0
        save("scaled.fits", fits.HDUList([h]), i16.astype(np.float64) * 0.25 + 10.0)
        blank = i16.copy(); blank[0, 0] = -32768
        h = fits.PrimaryHDU(blank); h.header["BLANK"] = -32768
        exp = blank.astype(np.float64); exp[0, 0] = np.nan
        save("blank.fits", fits.HDUList([h]), exp)
        rgb = np.stack([u16, u16 // 2, u16 // 3])
        save("rgb.fits", fits.HDUList([fits.PrimaryHDU(rgb)]), rgb)
        save("ext.fits", fits.HDUList([fits.PrimaryHDU(), fits.ImageHDU(f32, name="SCI")]), f32)
        print(json.dumps(cases))
        """;

    [Fact]
    public void WeReadAstropyFilesOfEveryBitpixIdentically()
    {
        using var dir = new TempDirectory();
        using var json = JsonDocument.Parse(ExternalTools.RunPython(AstropyWriters, dir.Path));
        var names = json.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(11, names.Count);
        foreach (var name in names)
            AssertReadsAsExpected(dir.File(name), name);
    }

    internal static void AssertReadsAsExpected(string path, string label, double tolerance = 0)
    {
        var expected = MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(path + ".bin")).ToArray();
        using var image = FitsImage.Open(path);
        var planeSize = image.Width * image.Height;
        Assert.Equal(expected.Length, planeSize * image.Planes);
        var actual = new double[planeSize];
        for (var p = 0; p < image.Planes; p++)
        {
            image.ReadPlane(p, actual.AsSpan());
            for (var i = 0; i < planeSize; i++)
            {
                var e = expected[p * planeSize + i];
                var a = actual[i];
                if (double.IsNaN(e)) Assert.True(double.IsNaN(a), $"{label}: pixel {i} of plane {p} should be NaN, got {a}");
                else Assert.True(Math.Abs(e - a) <= tolerance * Math.Max(1, Math.Abs(e)), $"{label}: pixel {i} of plane {p}: expected {e}, got {a}");
            }
        }

        // The float path must agree with the double path to float precision.
        var asFloat = new float[planeSize];
        image.ReadPlane(0, asFloat.AsSpan());
        for (var i = 0; i < planeSize; i++)
        {
            var e = expected[i];
            if (double.IsNaN(e)) Assert.True(float.IsNaN(asFloat[i]), label);
            else Assert.True(Math.Abs(e - asFloat[i]) <= 1e-6 * Math.Max(1, Math.Abs(e)) + tolerance * Math.Max(1, Math.Abs(e)), $"{label}: float pixel {i}: expected {e}, got {asFloat[i]}");
        }
    }
}
