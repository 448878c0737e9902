namespace TileCompile.Engine.Imaging;

/// <summary>How a CFA mosaic becomes full-resolution colour planes.</summary>
public enum DemosaicMethod
{
    /// <summary>Each missing colour is the mean of its nearest photosites of that colour.</summary>
    Bilinear,
    /// <summary>
    /// Bilinear, sharpened without moving flux between colours: green gets the curvature of the pixel's own
    /// colour (an eighth of its two second differences, which sum to zero over any area), red and blue get
    /// green's detail beyond a [1 2 1]² blur, scaled by the local red/green or blue/green ratio.
    /// </summary>
    GradientCorrected,
}

/// <summary>
/// Full-resolution debayering of a Bayer mosaic into R, G and B planes, so that stars keep the sharpness
/// of every photosite instead of being sampled on half-resolution colour grids. Measured photosites are
/// kept as they are; only the missing colours are estimated.
/// </summary>
public static class Demosaic
{
    private const int Pad = 3;

    /// <summary>
    /// The R, G and B planes (each <c>mosaic.Width × mosaic.Height</c>) of <paramref name="mosaic"/>,
    /// whose pixel (x, y) has colour <paramref name="pattern"/>.ColorAt(x, y). The mosaic must be finite
    /// (repair sensor defects and holes first).
    /// </summary>
    public static ImagePlane[] ToRgb(ImagePlane mosaic, BayerPattern pattern, DemosaicMethod method)
    {
        if (mosaic.Width < 4 || mosaic.Height < 4)
            throw new ArgumentException($"a {mosaic.Width}x{mosaic.Height} mosaic is too small to debayer (at least 4x4)");
        var padded = new Padded(mosaic, pattern);
        var green = new float[padded.Length];
        var red = new float[padded.Length];
        var blue = new float[padded.Length];
        Bilinear(padded, green, red, blue);
        if (method == DemosaicMethod.GradientCorrected)
        {
            CorrectGreen(padded, green);
            var detail = Detail(padded, green);
            var smoothGreen = Box5(padded, green);
            AddDetail(padded, red, CfaColor.Red, detail, smoothGreen);
            AddDetail(padded, blue, CfaColor.Blue, detail, smoothGreen);
        }
        return new[] { padded.Unpad(red), padded.Unpad(green), padded.Unpad(blue) };
    }

    // The mosaic mirrored by Pad pixels at every border; mirroring about the edge pixel keeps each
    // pixel's colour (i → −i keeps parity), so the pattern holds in the border too.
    private sealed class Padded
    {
        public readonly float[] Data;
        public readonly CfaColor[] Colors; // colour of padded (x & 1, y & 1)
        public readonly int Width, Height, Stride, Length;

        public Padded(ImagePlane mosaic, BayerPattern pattern)
        {
            Width = mosaic.Width;
            Height = mosaic.Height;
            Stride = Width + 2 * Pad;
            Length = Stride * (Height + 2 * Pad);
            Data = new float[Length];
            for (var y = 0; y < Height + 2 * Pad; y++)
            {
                var sy = Mirror(y - Pad, Height);
                var src = mosaic.Data.AsSpan(sy * Width, Width);
                var dst = Data.AsSpan(y * Stride, Stride);
                src.CopyTo(dst.Slice(Pad, Width));
                for (var k = 1; k <= Pad; k++)
                {
                    dst[Pad - k] = src[Mirror(-k, Width)];
                    dst[Pad + Width - 1 + k] = src[Mirror(Width - 1 + k, Width)];
                }
            }
            // Padded (x, y) is mosaic (x − Pad, y − Pad): Pad is odd, so the pattern is shifted by one.
            var shifted = pattern.Shift(Pad & 1, Pad & 1);
            Colors = new[] { shifted.ColorAt(0, 0), shifted.ColorAt(1, 0), shifted.ColorAt(0, 1), shifted.ColorAt(1, 1) };
        }

        public CfaColor ColorAt(int x, int y) => Colors[(x & 1) | ((y & 1) << 1)];

        public ImagePlane Unpad(float[] plane)
        {
            var result = new ImagePlane(Width, Height);
            for (var y = 0; y < Height; y++) plane.AsSpan((y + Pad) * Stride + Pad, Width).CopyTo(result.Row(y));
            return result;
        }

        private static int Mirror(int i, int n) => i < 0 ? Math.Min(-i, n - 1) : i >= n ? Math.Max(2 * (n - 1) - i, 0) : i;
    }

    // Green at red and blue photosites: the bilinear mean plus an eighth of the own colour's second differences
    // along the row and the column. Those differences sum to zero over any area, so green keeps its flux; only
    // where the own colour peaks or dips does green follow it between its photosites.
    private static void CorrectGreen(Padded p, float[] green)
    {
        var d = p.Data;
        var s = p.Stride;
        for (var y = 2; y < p.Height + 2 * Pad - 2; y++)
        for (var x = 2 + (p.ColorAt(2, y) == CfaColor.Green ? 1 : 0); x < s - 2; x += 2)
        {
            var i = y * s + x;
            green[i] += 0.125f * (4 * d[i] - d[i - 2] - d[i + 2] - d[i - 2 * s] - d[i + 2 * s]);
        }
    }

    // Green minus its [1 2 1]² blur: the detail a bilinear colour plane lacks; it sums to zero over any area.
    private static float[] Detail(Padded p, float[] green)
    {
        var s = p.Stride;
        var detail = new float[green.Length];
        for (var y = 1; y < p.Height + 2 * Pad - 1; y++)
        for (var x = 1; x < s - 1; x++)
        {
            var i = y * s + x;
            var blur = 4 * green[i] + 2 * (green[i - 1] + green[i + 1] + green[i - s] + green[i + s])
                       + green[i - s - 1] + green[i - s + 1] + green[i + s - 1] + green[i + s + 1];
            detail[i] = green[i] - blur / 16;
        }
        return detail;
    }

    // Red or blue away from its own photosites: bilinear plus green's detail scaled by the local colour ratio, so a
    // red star borrows little of green's detail and a grey one all of it (measured photosites stay as they are).
    private static void AddDetail(Padded p, float[] plane, CfaColor colour, float[] detail, float[] smoothGreen)
    {
        var smooth = Box5(p, plane);
        var s = p.Stride;
        for (var y = Pad; y < p.Height + Pad; y++)
        for (var x = Pad; x < Pad + p.Width; x++)
        {
            if (p.ColorAt(x, y) == colour) continue;
            var i = y * s + x;
            var g = smoothGreen[i];
            var ratio = g > 0 && smooth[i] > 0 ? Math.Min(smooth[i] / g, 4f) : 0f;
            plane[i] += ratio * detail[i];
        }
    }

    // 5×5 box mean (separable), valid inside the padding.
    private static float[] Box5(Padded p, float[] plane)
    {
        var s = p.Stride;
        var rows = p.Height + 2 * Pad;
        var horizontal = new float[plane.Length];
        for (var y = 0; y < rows; y++)
        for (var x = 2; x < s - 2; x++)
        {
            var i = y * s + x;
            horizontal[i] = plane[i - 2] + plane[i - 1] + plane[i] + plane[i + 1] + plane[i + 2];
        }
        var box = new float[plane.Length];
        for (var y = 2; y < rows - 2; y++)
        for (var x = 2; x < s - 2; x++)
        {
            var i = y * s + x;
            box[i] = (horizontal[i - 2 * s] + horizontal[i - s] + horizontal[i] + horizontal[i + s] + horizontal[i + 2 * s]) / 25;
        }
        return box;
    }

    private static void Bilinear(Padded p, float[] green, float[] red, float[] blue)
    {
        var d = p.Data;
        var s = p.Stride;
        for (var y = 1; y < p.Height + 2 * Pad - 1; y++)
        for (var x = 1; x < s - 1; x++)
        {
            var i = y * s + x;
            var own = p.ColorAt(x, y);
            var cross = 0.25f * (d[i - 1] + d[i + 1] + d[i - s] + d[i + s]);
            var diagonal = 0.25f * (d[i - s - 1] + d[i - s + 1] + d[i + s - 1] + d[i + s + 1]);
            if (own == CfaColor.Green)
            {
                green[i] = d[i];
                var horizontal = 0.5f * (d[i - 1] + d[i + 1]);
                var vertical = 0.5f * (d[i - s] + d[i + s]);
                var redInRow = p.ColorAt(x + 1, y) == CfaColor.Red;
                red[i] = redInRow ? horizontal : vertical;
                blue[i] = redInRow ? vertical : horizontal;
            }
            else
            {
                green[i] = cross;
                (own == CfaColor.Red ? red : blue)[i] = d[i];
                (own == CfaColor.Red ? blue : red)[i] = diagonal;
            }
        }
    }
}
