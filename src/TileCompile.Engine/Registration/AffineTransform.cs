namespace TileCompile.Engine.Registration;

/// <summary>
/// A 2-D affine map <c>(x, y) → (A·x + B·y + Tx, C·x + D·y + Ty)</c>; as registration.json's
/// <c>matrix</c> it maps a reference pixel to a frame pixel.
/// </summary>
public readonly record struct AffineTransform(double A, double B, double Tx, double C, double D, double Ty)
{
    /// <summary>The identity.</summary>
    public static AffineTransform Identity => new(1, 0, 0, 0, 1, 0);

    /// <summary>Applies the map.</summary>
    public (double X, double Y) Apply(double x, double y) => (A * x + B * y + Tx, C * x + D * y + Ty);

    /// <summary>The inverse map.</summary>
    public AffineTransform Inverse()
    {
        var det = A * D - B * C;
        var ia = D / det; var ib = -B / det; var ic = -C / det; var id = A / det;
        return new AffineTransform(ia, ib, -(ia * Tx + ib * Ty), ic, id, -(ic * Tx + id * Ty));
    }

    /// <summary>Rotation in degrees (for similarity maps).</summary>
    public double RotationDegrees => Math.Atan2(C, A) * 180 / Math.PI;

    /// <summary>Mean scale.</summary>
    public double Scale => Math.Sqrt(Math.Abs(A * D - B * C));

    /// <summary>As <c>[a, b, tx, c, d, ty]</c>.</summary>
    public double[] ToArray() => new[] { A, B, Tx, C, D, Ty };

    /// <summary>From <c>[a, b, tx, c, d, ty]</c>.</summary>
    public static AffineTransform FromArray(IReadOnlyList<double> m) => new(m[0], m[1], m[2], m[3], m[4], m[5]);

    /// <summary>
    /// Converts a map between half-resolution superpixel grids (CFA luminance proxy) to full
    /// resolution: superpixel i is centred on full-resolution coordinate 2i + 0.5.
    /// </summary>
    public AffineTransform FromHalfResolution()
    {
        // x_f' = 2 (A (x_f - 0.5)/2 + B (y_f - 0.5)/2 + Tx) + 0.5
        return new AffineTransform(A, B, 2 * Tx + 0.5 - 0.5 * (A + B), C, D, 2 * Ty + 0.5 - 0.5 * (C + D));
    }

    /// <summary>RMS over a grid across a <paramref name="width"/>×<paramref name="height"/> frame of the distance between where this map and <paramref name="other"/> put a point.</summary>
    public double RmsDistance(AffineTransform other, int width, int height)
    {
        var self = this;
        return FrameGrid.Rms(width, height, (x, y) =>
        {
            var (x1, y1) = self.Apply(x, y);
            var (x2, y2) = other.Apply(x, y);
            return (x1 - x2) * (x1 - x2) + (y1 - y2) * (y1 - y2);
        });
    }

    /// <summary>Least-squares similarity (rotation, uniform scale, shift) mapping <paramref name="from"/> onto <paramref name="to"/>.</summary>
    public static AffineTransform FitSimilarity(IReadOnlyList<(double X, double Y)> from, IReadOnlyList<(double X, double Y)> to,
        IReadOnlyList<double>? weights = null)
    {
        var n = from.Count;
        double fx = 0, fy = 0, tx = 0, ty = 0, sw = 0;
        for (var i = 0; i < n; i++)
        {
            var w = weights?[i] ?? 1;
            fx += w * from[i].X; fy += w * from[i].Y; tx += w * to[i].X; ty += w * to[i].Y; sw += w;
        }
        fx /= sw; fy /= sw; tx /= sw; ty /= sw;
        double sa = 0, sb = 0, ss = 0;
        for (var i = 0; i < n; i++)
        {
            var w = weights?[i] ?? 1;
            var px = from[i].X - fx; var py = from[i].Y - fy;
            var qx = to[i].X - tx; var qy = to[i].Y - ty;
            sa += w * (px * qx + py * qy);
            sb += w * (px * qy - py * qx);
            ss += w * (px * px + py * py);
        }
        var a = sa / ss;
        var b = sb / ss;
        return new AffineTransform(a, -b, tx - (a * fx - b * fy), b, a, ty - (b * fx + a * fy));
    }

    /// <summary>Least-squares affine map (needs at least 3 non-collinear points).</summary>
    public static AffineTransform FitAffine(IReadOnlyList<(double X, double Y)> from, IReadOnlyList<(double X, double Y)> to)
    {
        var n = from.Count;
        double fx = 0, fy = 0, tx = 0, ty = 0;
        for (var i = 0; i < n; i++) { fx += from[i].X; fy += from[i].Y; tx += to[i].X; ty += to[i].Y; }
        fx /= n; fy /= n; tx /= n; ty /= n;
        double sxx = 0, sxy = 0, syy = 0, uxx = 0, uxy = 0, uyx = 0, uyy = 0;
        for (var i = 0; i < n; i++)
        {
            var px = from[i].X - fx; var py = from[i].Y - fy;
            var qx = to[i].X - tx; var qy = to[i].Y - ty;
            sxx += px * px; sxy += px * py; syy += py * py;
            uxx += qx * px; uxy += qx * py; uyx += qy * px; uyy += qy * py;
        }
        var det = sxx * syy - sxy * sxy;
        var a = (uxx * syy - uxy * sxy) / det;
        var b = (uxy * sxx - uxx * sxy) / det;
        var c = (uyx * syy - uyy * sxy) / det;
        var d = (uyy * sxx - uyx * sxy) / det;
        return new AffineTransform(a, b, tx - a * fx - b * fy, c, d, ty - c * fx - d * fy);
    }
}
