namespace TileCompile.Engine.Imaging;

/// <summary>A single-channel float image, row-major, first row first. NaN marks pixels without data.</summary>
public sealed class ImagePlane
{
    /// <summary>Creates a plane of zeros.</summary>
    public ImagePlane(int width, int height) : this(width, height, new float[checked(width * height)]) { }

    /// <summary>Wraps existing pixel data.</summary>
    public ImagePlane(int width, int height, float[] data)
    {
        if (data.Length != width * height) throw new ArgumentException($"data holds {data.Length} values, {width}x{height} needs {width * height}");
        Width = width;
        Height = height;
        Data = data;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; }
    /// <summary>Pixels.</summary>
    public float[] Data { get; }

    /// <summary>Pixel at (x, y).</summary>
    public float this[int x, int y]
    {
        get => Data[y * Width + x];
        set => Data[y * Width + x] = value;
    }

    /// <summary>One row.</summary>
    public Span<float> Row(int y) => Data.AsSpan(y * Width, Width);

    /// <summary>The Bayer sub-plane starting at (<paramref name="dx"/>, <paramref name="dy"/>): every second pixel in both directions.</summary>
    public ImagePlane SubPlane(int dx, int dy)
    {
        var w = (Width - dx + 1) / 2;
        var h = (Height - dy + 1) / 2;
        var sub = new ImagePlane(w, h);
        for (var y = 0; y < h; y++)
        {
            var src = (2 * y + dy) * Width + dx;
            var dst = sub.Row(y);
            for (var x = 0; x < w; x++) dst[x] = Data[src + 2 * x];
        }
        return sub;
    }

    /// <summary>2×2 superpixel sums (half resolution): the luminance proxy of CFA data.</summary>
    public ImagePlane Superpixel()
    {
        var w = Width / 2;
        var h = Height / 2;
        var sum = new ImagePlane(w, h);
        for (var y = 0; y < h; y++)
        {
            var r0 = Data.AsSpan(2 * y * Width, Width);
            var r1 = Data.AsSpan((2 * y + 1) * Width, Width);
            var dst = sum.Row(y);
            for (var x = 0; x < w; x++) dst[x] = r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1];
        }
        return sum;
    }
}
