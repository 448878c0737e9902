using System.Globalization;
using System.Text.Json;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Imaging;

namespace TileCompile.Engine.Samples;

/// <summary>
/// Generates deterministic synthetic light frames with ground truth: uint16 FITS files named
/// <c>light_0001.fit</c>… plus <c>truth.json</c>. Used by the demo, the tests and the benchmark.
/// </summary>
public static class SampleSkyGenerator
{
    // β = 3.5 is hard-wired into the fast power below.
    private const double MoffatBeta = 3.5;

    /// <summary>
    /// Writes the session described by <paramref name="options"/> into <paramref name="directory"/>
    /// and returns its truth. Existing files of the same names are replaced.
    /// </summary>
    public static SampleTruth Generate(SampleSkyOptions options, string directory, IProgress<int>? progress = null,
        int maxParallelism = 0, CancellationToken cancellationToken = default)
    {
        options.Validate();
        Directory.CreateDirectory(directory);
        var truth = Plan(options);
        var done = 0;
        var parallel = new ParallelOptions
        {
            CancellationToken = cancellationToken,
            MaxDegreeOfParallelism = maxParallelism > 0 ? maxParallelism : Environment.ProcessorCount,
        };
        var sensor = options.Calibration ? SampleSensorModel.Create(truth) : null;
        sensor?.WriteCalibration(directory, options.CalibrationFrames, Header(truth, 0), parallel);
        Parallel.For(0, options.Frames, parallel, f =>
        {
            var pixels = Render(truth, f, sensor);
            FitsWriter.WriteUInt16(Path.Combine(directory, truth.Frames[f].File), pixels, options.Width, options.Height, header: Header(truth, f));
            progress?.Report(Interlocked.Increment(ref done));
        });
        var json = JsonSerializer.Serialize(truth, SampleTruth.Json);
        var truthPath = Path.Combine(directory, SampleTruth.FileName);
        File.WriteAllText(truthPath + ".tmp", json);
        File.Move(truthPath + ".tmp", truthPath, overwrite: true);
        return truth;
    }

    /// <summary>Decides everything random about the session (stars, per-frame conditions) without rendering.</summary>
    public static SampleTruth Plan(SampleSkyOptions o)
    {
        o.Validate();
        var rng = new Numerics.SeededRandom((ulong)o.Seed, 1);
        double cx = (o.Width - 1) / 2.0, cy = (o.Height - 1) / 2.0;

        // Sky area: the frame plus everything drift, dither and rotation can bring into view.
        var diagonal = Math.Sqrt(o.Width * o.Width + o.Height * o.Height) / 2;
        var margin = o.DriftPixels / 2 + o.DitherPixels + diagonal * Math.Sin(Math.Abs(o.FieldRotationDegrees) * Math.PI / 360) + 10;
        var skyW = o.Width + 2 * margin;
        var skyH = o.Height + 2 * margin;
        var stars = PlanStars(o, ref rng, margin, skyW, skyH);

        var hot = new int[o.HotPixels][];
        for (var i = 0; i < hot.Length; i++) hot[i] = new[] { rng.NextInt(o.Width), rng.NextInt(o.Height) };

        var phaseSeeing = rng.Uniform(0, 2 * Math.PI);
        var phaseField = rng.Uniform(0, 2 * Math.PI);
        var phaseClouds = rng.Uniform(0, 2 * Math.PI);
        var driftAngle = rng.Uniform(0, 2 * Math.PI);
        var gradientAngle = rng.Uniform(0, 2 * Math.PI);
        var badIndex = o.BadFrame && o.Frames >= 5 ? (int)Math.Round(0.62 * (o.Frames - 1)) : -1;
        var trailIndex = o.SatelliteTrail && o.Frames >= 3 ? (int)Math.Round(0.35 * (o.Frames - 1)) : -1;
        // Streaked frames spread evenly over the session, never the bad or the trail frame (no random draw, so the
        // rest of the session is the same with or without them).
        var streaked = StreakedFrames(o, badIndex, trailIndex);

        var frames = new TruthFrame[o.Frames];
        var session = new SessionPlan(cx, cy, phaseSeeing, phaseField, phaseClouds, driftAngle, badIndex, trailIndex, streaked);
        for (var f = 0; f < o.Frames; f++) frames[f] = PlanFrame(o, ref rng, f, session);

        TruthGalaxy? galaxy = null;
        if (o.ExtendedObject)
        {
            var scale = 0.045 * Math.Min(o.Width, o.Height);
            galaxy = new TruthGalaxy(cx + 0.12 * o.Width, cy - 0.08 * o.Height, scale, 0.5, rng.Uniform(0, 180), 0.8 * o.SkyLevel + 200);
        }

        return new SampleTruth
        {
            Nebula = o.Nebulosity > 0 ? PlanNebula(o, cx, cy) : null,
            Options = o,
            BayerPattern = o.Sensor == SampleSensor.Rggb ? BayerPattern.Parse(o.CfaPattern).ToString() : null,
            Stars = stars,
            Frames = frames,
            HotPixels = hot,
            Galaxy = galaxy,
        };
    }

    // What every frame of a session shares: the frame centre, the phases of its slow variations, and which frames
    // are the bad, the trailed and the streaked ones.
    private sealed record SessionPlan(double Cx, double Cy, double PhaseSeeing, double PhaseField, double PhaseClouds, double DriftAngle,
        int BadIndex, int TrailIndex, HashSet<int> Streaked);

    // Stars over the sky area (the frame and its margin): Pareto fluxes, many faint, few bright (some saturate).
    private static TruthStar[] PlanStars(SampleSkyOptions o, ref Numerics.SeededRandom rng, double margin, double skyW, double skyH)
    {
        var starCount = (int)Math.Round(o.StarDensity * skyW * skyH / 10000);
        var stars = new TruthStar[starCount];
        for (var i = 0; i < starCount; i++)
        {
            var x = rng.Uniform(-margin, o.Width + margin);
            var y = rng.Uniform(-margin, o.Height + margin);
            // Pareto flux distribution: many faint stars, few bright ones (some saturate).
            var flux = Math.Min(250 * Math.Pow(1 - rng.NextDouble(), -1 / 1.1), 2.5e6);
            var colour = rng.Uniform(-0.35, 0.35);
            stars[i] = new TruthStar(x, y, flux, 1 + colour, 1, 1 - colour);
        }
        return stars;
    }

    // Streaked frames spread evenly over the session, never the bad or the trail frame (no random draw, so the
    // rest of the session is the same with or without them).
    private static HashSet<int> StreakedFrames(SampleSkyOptions o, int badIndex, int trailIndex)
    {
        var streaked = new HashSet<int>();
        for (var k = 0; k < o.StreakedFrames; k++)
        {
            var index = (int)Math.Round((k + 0.5) / o.StreakedFrames * (o.Frames - 1));
            while (index == badIndex || index == trailIndex || streaked.Contains(index)) index = (index + 1) % o.Frames;
            streaked.Add(index);
        }
        return streaked;
    }

    // Frame f's placement, seeing, transparency, background and defects; the draws in the order they always came.
    private static TruthFrame PlanFrame(SampleSkyOptions o, ref Numerics.SeededRandom rng, int f, SessionPlan session)
    {
        var t = o.Frames == 1 ? 0.5 : f / (double)(o.Frames - 1);
        var theta = o.FieldRotationDegrees * (t - 0.5);
        var rad = theta * Math.PI / 180;
        var dx = o.DriftPixels * (t - 0.5) * Math.Cos(session.DriftAngle) + rng.Uniform(-o.DitherPixels, o.DitherPixels);
        var dy = o.DriftPixels * (t - 0.5) * Math.Sin(session.DriftAngle) + rng.Uniform(-o.DitherPixels, o.DitherPixels);
        double a = Math.Cos(rad), b = -Math.Sin(rad), c = Math.Sin(rad), d = Math.Cos(rad);
        var matrix = new[] { a, b, session.Cx - a * session.Cx - b * session.Cy + dx, c, d, session.Cy - c * session.Cx - d * session.Cy + dy };

        var fwhm = o.SeeingFwhm * (1 + o.SeeingVariation * Math.Sin(2 * Math.PI * 1.3 * t + session.PhaseSeeing)) * (1 + 0.04 * rng.NextGaussian());
        var slope = o.AlternatingFieldSeeing
            ? (f % 2 == 0 ? 1 : -1) * o.SeeingFieldVariation
            : o.SeeingFieldVariation * Math.Sin(2 * Math.PI * 0.8 * t + session.PhaseField);
        var transparency = Math.Clamp(1 - 0.15 * Math.Pow(Math.Sin(2 * Math.PI * 0.9 * t + session.PhaseClouds), 2) - 0.02 * Math.Abs(rng.NextGaussian()), 0.5, 1);
        var background = o.SkyLevel * (1 + 0.1 * (1 - transparency)) * (1 + 0.02 * rng.NextGaussian());
        string? defect = null;
        double[]? trail = null;
        if (f == session.BadIndex)
        {
            defect = "clouds";
            transparency = 0.3;
            fwhm *= 2.2;
            background *= 1.7;
        }
        else if (f == session.TrailIndex)
        {
            defect = "satellite_trail";
            trail = new[] { -5.0, rng.Uniform(0.1, 0.4) * o.Height, o.Width + 5.0, rng.Uniform(0.6, 0.9) * o.Height };
        }
        double[]? streak = null;
        if (session.Streaked.Contains(f))
        {
            defect = "streak";
            streak = new[] { o.StreakPixels * Math.Cos(Math.PI / 6), o.StreakPixels * Math.Sin(Math.PI / 6) };
        }

        var rays = new int[(int)Math.Floor(rng.NextDouble() * 2 * o.CosmicRaysPerFrame)][];
        for (var k = 0; k < rays.Length; k++) rays[k] = new[] { rng.NextInt(o.Width), rng.NextInt(o.Height) };

        return new TruthFrame
        {
            File = string.Create(CultureInfo.InvariantCulture, $"light_{f + 1:D4}.fit"),
            Index = f,
            Matrix = matrix,
            RotationDegrees = theta,
            Fwhm = Math.Max(0.9, fwhm),
            FwhmFieldSlope = slope,
            Transparency = transparency,
            Background = background,
            Defect = defect,
            Trail = trail,
            Streak = streak,
            CosmicRays = rays,
        };
    }

    // A stream of its own, so adding nebulosity leaves every other random draw of the session unchanged.
    private static TruthNebula PlanNebula(SampleSkyOptions o, double cx, double cy)
    {
        var rng = new Numerics.SeededRandom((ulong)o.Seed, 7);
        var size = Math.Min(o.Width, o.Height);
        var clouds = new double[6][];
        for (var i = 0; i < clouds.Length; i++)
            clouds[i] = new[] { cx + rng.Uniform(-0.4, 0.4) * o.Width, cy + rng.Uniform(-0.4, 0.4) * o.Height, rng.Uniform(0.15, 0.35) * size, rng.Uniform(0.4, 1) };
        var wisps = new double[Math.Max(40, o.Width * o.Height / 1600)][];
        for (var i = 0; i < wisps.Length; i++)
            wisps[i] = new[] { rng.Uniform(-0.1, 1.1) * o.Width, rng.Uniform(-0.1, 1.1) * o.Height, rng.Uniform(5, 20), rng.Uniform(0.2, 1) };
        return new TruthNebula(o.Nebulosity, clouds, wisps);
    }

    /// <summary>
    /// Renders frame <paramref name="index"/> to ADU (deterministic for the session seed); with calibration, through
    /// <paramref name="sensor"/> (made from the truth when not given).
    /// </summary>
    public static ushort[] Render(SampleTruth truth, int index, SampleSensorModel? sensor = null)
    {
        if (truth.Options.Calibration) sensor ??= SampleSensorModel.Create(truth);
        var o = truth.Options;
        var frame = truth.Frames[index];
        var w = o.Width;
        var h = o.Height;
        var cfa = truth.BayerPattern is { } layout ? BayerPattern.Parse(layout) : (BayerPattern?)null;
        var image = new float[w * h];
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        var skyColour = new[] { 0.85f, 1f, 0.75f };

        // Sky with a linear gradient.
        const double gradAngle = 0.6;
        double gxStep = o.SkyGradient * Math.Cos(gradAngle) / w, gyStep = o.SkyGradient * Math.Sin(gradAngle) / h;
        for (var y = 0; y < h; y++)
        {
            var row = image.AsSpan(y * w, w);
            var rowBase = 1 + gyStep * (y - cy) - gxStep * cx;
            for (var x = 0; x < w; x++)
            {
                var colour = cfa is { } p ? skyColour[(int)p.ColorAt(x, y)] : 1f;
                row[x] = (float)(frame.Background * (rowBase + gxStep * x)) * colour;
            }
        }

        if (truth.Nebula is { } nebula) AddNebula(image, w, h, frame, nebula, cfa);
        if (truth.Galaxy is { } gal) AddGalaxy(image, w, h, frame, gal, cfa, frame.Transparency);
        foreach (var star in truth.Stars) AddStar(image, w, h, frame, star, cfa);
        if (frame.Trail is { } trail) AddTrail(image, w, h, trail, 1200 * frame.Transparency);

        var rng = new Numerics.SeededRandom((ulong)o.Seed, 1000UL + (ulong)index);
        ushort[] output;
        if (sensor is not null)
        {
            // The sensor adds bias, dark current (its hot pixels among it) and the optics' throughput.
            output = sensor.RecordLight(image, ref rng);
        }
        else
        {
            output = new ushort[w * h];
            var rn2 = o.ReadNoise * o.ReadNoise;
            for (var i = 0; i < output.Length; i++)
            {
                double lambda = image[i];
                var v = lambda + Math.Sqrt(Math.Max(lambda, 0) + rn2) * rng.NextGaussian();
                output[i] = (ushort)Math.Clamp(Math.Round(v), 0, 65535);
            }
            foreach (var hp in truth.HotPixels)
                output[hp[1] * w + hp[0]] = (ushort)(20000 + (hp[0] * 7919 + hp[1] * 104729) % 45535);
        }
        foreach (var ray in frame.CosmicRays)
            output[ray[1] * w + ray[0]] = (ushort)Math.Min(65535, 15000 + rng.NextInt(40000));
        return output;
    }

    private static void AddStar(float[] image, int w, int h, TruthFrame frame, TruthStar star, BayerPattern? cfa)
    {
        var (px, py) = frame.SkyToFrame(star.X, star.Y);
        if (frame.Streak is not { } streak)
        {
            AddStarAt(image, w, h, frame, star, cfa, px, py, 1);
            return;
        }
        // A tracking error smears the star along the streak: the same light, spread over points a pixel apart.
        var length = Math.Sqrt(streak[0] * streak[0] + streak[1] * streak[1]);
        var points = Math.Max(2, (int)Math.Ceiling(length) + 1);
        for (var k = 0; k < points; k++)
        {
            var t = k / (double)(points - 1) - 0.5;
            AddStarAt(image, w, h, frame, star, cfa, px + t * streak[0], py + t * streak[1], 1.0 / points);
        }
    }

    private static void AddStarAt(float[] image, int w, int h, TruthFrame frame, TruthStar star, BayerPattern? cfa, double px, double py, double share)
    {
        var fwhm = Math.Max(0.8, frame.FwhmAt(px, w));
        var alpha = fwhm / (2 * Math.Sqrt(Math.Pow(2, 1 / MoffatBeta) - 1));
        // Render out to where the wing falls below 0.3 ADU, so bright stars keep their halo.
        var peak = star.Flux * frame.Transparency * (MoffatBeta - 1) / (Math.PI * alpha * alpha);
        var reach = alpha * Math.Sqrt(Math.Max(0, Math.Pow(Math.Max(peak, 1) / 0.3, 1 / MoffatBeta) - 1));
        var radius = Math.Clamp((int)Math.Ceiling(reach) + 1, 2, 60);
        if (px < -radius || py < -radius || px > w - 1 + radius || py > h - 1 + radius) return;
        var x0 = (int)Math.Round(px) - radius;
        var y0 = (int)Math.Round(py) - radius;
        var size = 2 * radius + 1;
        var buffer = size * size <= 4096 ? stackalloc double[size * size] : new double[size * size];
        double sum = 0;
        for (var j = 0; j < size; j++)
        {
            var ddy = y0 + j - py;
            for (var i = 0; i < size; i++)
            {
                var ddx = x0 + i - px;
                var r2 = (ddx * ddx + ddy * ddy) / (alpha * alpha);
                var q = 1 + r2;
                var v = 1 / (q * q * q * Math.Sqrt(q)); // (1 + r²)^-3.5
                buffer[j * size + i] = v;
                sum += v;
            }
        }
        var scale = star.Flux * frame.Transparency * share / sum;
        for (var j = 0; j < size; j++)
        {
            var y = y0 + j;
            if ((uint)y >= (uint)h) continue;
            for (var i = 0; i < size; i++)
            {
                var x = x0 + i;
                if ((uint)x >= (uint)w) continue;
                var response = cfa is { } p ? p.ColorAt(x, y) switch { CfaColor.Red => star.Red, CfaColor.Green => star.Green, _ => star.Blue } : 1.0;
                image[y * w + x] += (float)(buffer[j * size + i] * scale * response);
            }
        }
    }

    private static void AddNebula(float[] image, int w, int h, TruthFrame frame, TruthNebula nebula, BayerPattern? cfa)
    {
        var m = frame.Matrix;
        var det = m[0] * m[4] - m[1] * m[3];
        var colour = new[] { 1.3, 0.9, 0.7 };
        var texture = new double[w * h];
        // Knots and wisps first, each within 3σ of its centre only (they are small), in frame coordinates.
        // Each profile is lowered by its value at 3σ so it ends smoothly on a circle fixed on the sky:
        // cutting it off at a box in frame pixels would leave edges that turn with the camera, not the sky.
        var floor = Math.Exp(-4.5);
        foreach (var wisp in nebula.Wisps)
        {
            var (wx, wy) = frame.SkyToFrame(wisp[0], wisp[1]);
            var reach = (int)Math.Ceiling(3 * wisp[2]) + 1;
            var twoSigma2 = 2 * wisp[2] * wisp[2];
            for (var y = Math.Max(0, (int)wy - reach); y <= Math.Min(h - 1, (int)wy + reach); y++)
            for (var x = Math.Max(0, (int)wx - reach); x <= Math.Min(w - 1, (int)wx + reach); x++)
            {
                var profile = Math.Exp(-((x - wx) * (x - wx) + (y - wy) * (y - wy)) / twoSigma2) - floor;
                if (profile > 0) texture[y * w + x] += wisp[3] * profile / (1 - floor);
            }
        }
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var fx = x - m[2];
                var fy = y - m[5];
                var sx = (m[4] * fx - m[1] * fy) / det;
                var sy = (-m[3] * fx + m[0] * fy) / det;
                double cloud = 0;
                foreach (var c in nebula.Clouds)
                {
                    var dx = sx - c[0];
                    var dy = sy - c[1];
                    cloud += c[3] * Math.Exp(-(dx * dx + dy * dy) / (2 * c[2] * c[2]));
                }
                var response = cfa is { } p ? colour[(int)p.ColorAt(x, y)] : 1.0;
                var structure = 0.4 + 0.6 * Math.Min(texture[y * w + x], 1.5);
                image[y * w + x] += (float)(nebula.PeakAdu * frame.Transparency * Math.Min(cloud, 1.5) * structure * response);
            }
        }
    }

    private static void AddGalaxy(float[] image, int w, int h, TruthFrame frame, TruthGalaxy g, BayerPattern? cfa, double transparency)
    {
        var m = frame.Matrix;
        var det = m[0] * m[4] - m[1] * m[3];
        var (gx, gy) = frame.SkyToFrame(g.X, g.Y);
        var reach = (int)Math.Ceiling(7 * g.ScaleLength);
        var pa = g.AngleDegrees * Math.PI / 180;
        double cosPa = Math.Cos(pa), sinPa = Math.Sin(pa);
        var colour = new[] { 1.1, 1.0, 0.8 };
        for (var y = Math.Max(0, (int)gy - reach); y <= Math.Min(h - 1, (int)gy + reach); y++)
        {
            for (var x = Math.Max(0, (int)gx - reach); x <= Math.Min(w - 1, (int)gx + reach); x++)
            {
                // frame pixel -> sky
                var fx = x - m[2];
                var fy = y - m[5];
                var sx = (m[4] * fx - m[1] * fy) / det - g.X;
                var sy = (-m[3] * fx + m[0] * fy) / det - g.Y;
                var u = sx * cosPa + sy * sinPa;
                var v = (-sx * sinPa + sy * cosPa) / g.AxisRatio;
                // Softened core: seeing blurs the cusp of a real galaxy.
                var r = Math.Sqrt(u * u + v * v + frame.Fwhm * frame.Fwhm) / g.ScaleLength;
                var value = g.PeakAdu * transparency * Math.Exp(-r);
                var response = cfa is { } p ? colour[(int)p.ColorAt(x, y)] : 1.0;
                image[y * w + x] += (float)(value * response);
            }
        }
    }

    private static void AddTrail(float[] image, int w, int h, double[] t, double peak)
    {
        double x0 = t[0], y0 = t[1], x1 = t[2], y1 = t[3];
        var len = Math.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));
        double nx = -(y1 - y0) / len, ny = (x1 - x0) / len;
        for (var x = 0; x < w; x++)
        {
            var yc = y0 + (y1 - y0) * (x - x0) / (x1 - x0);
            for (var y = (int)yc - 4; y <= (int)yc + 4; y++)
            {
                if ((uint)y >= (uint)h) continue;
                var dist = (x - x0) * nx + (y - y0) * ny;
                image[y * w + x] += (float)(peak * Math.Exp(-dist * dist / (2 * 0.8 * 0.8)));
            }
        }
    }

    private static FitsHeader Header(SampleTruth truth, int index)
    {
        var o = truth.Options;
        var frame = truth.Frames[index];
        var h = new FitsHeader();
        var start = new DateTime(2026, 1, 8, 22, 5, 41, DateTimeKind.Utc).AddSeconds(index * (o.ExposureSeconds + 2));
        h.Set("IMAGETYP", "Light Frame", "type of image");
        h.Set("OBJECT", "Synthetic field", "generated by the TileCompile sample generator");
        h.Set("EXPTIME", o.ExposureSeconds, "exposure time [s]");
        h.Set("DATE-OBS", start.ToString("yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture), "UTC start of exposure");
        h.Set("INSTRUME", o.Sensor == SampleSensor.Rggb ? "TileCompile synthetic OSC" : "TileCompile synthetic mono", "camera");
        h.Set("TELESCOP", "Synthetic 50 mm f/5", "telescope");
        h.Set("FOCALLEN", 250.0, "focal length [mm]");
        h.Set("XPIXSZ", 2.9, "pixel size [um]");
        h.Set("YPIXSZ", 2.9, "pixel size [um]");
        h.Set("GAIN", 80L, "sensor gain setting");
        h.Set("CCD-TEMP", 12.5, "sensor temperature [C]");
        if (truth.BayerPattern is { } pattern)
        {
            h.Set("BAYERPAT", pattern, "colour filter array");
            h.Set("XBAYROFF", 0L, "Bayer x offset");
            h.Set("YBAYROFF", 0L, "Bayer y offset");
        }
        h.Set("TC-SEED", (long)o.Seed, "sample generator seed");
        h.Set("TC-FRAME", (long)index, "sample frame index");
        return h;
    }
}
