namespace TileCompile.Engine.Samples;

/// <summary>Sensor type of generated frames.</summary>
public enum SampleSensor
{
    /// <summary>Monochrome.</summary>
    Mono,
    /// <summary>One-shot colour with a Bayer matrix (RGGB unless <see cref="SampleSkyOptions.CfaPattern"/> says otherwise).</summary>
    Rggb,
}

/// <summary>
/// What the sample sky generator makes. Defaults describe a short smart-telescope session: a
/// star field with a galaxy, drift, dither and slow field rotation, seeing and transparency that
/// change over time, a sky gradient, hot pixels, one satellite trail and one bad frame.
/// </summary>
public sealed record SampleSkyOptions
{
    /// <summary>Frame width in pixels.</summary>
    public int Width { get; init; } = 512;
    /// <summary>Frame height in pixels.</summary>
    public int Height { get; init; } = 384;
    /// <summary>Number of light frames.</summary>
    public int Frames { get; init; } = 40;
    /// <summary>Mono or RGGB.</summary>
    public SampleSensor Sensor { get; init; } = SampleSensor.Mono;
    /// <summary>Bayer layout of colour frames (RGGB, BGGR, GRBG or GBRG), written as BAYERPAT; ignored for mono.</summary>
    public string CfaPattern { get; init; } = "RGGB";
    /// <summary>Seed: same seed and options ⇒ identical files.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Stars per 10,000 pixels of sky.</summary>
    public double StarDensity { get; init; } = 25;
    /// <summary>Exposure per frame, seconds (written as EXPTIME).</summary>
    public double ExposureSeconds { get; init; } = 10;
    /// <summary>Mean sky background in ADU.</summary>
    public double SkyLevel { get; init; } = 600;
    /// <summary>Relative sky gradient across the frame (0.2 = background 20 % higher at one edge).</summary>
    public double SkyGradient { get; init; } = 0.15;
    /// <summary>Read noise in ADU.</summary>
    public double ReadNoise { get; init; } = 3;
    /// <summary>Median seeing FWHM in pixels.</summary>
    public double SeeingFwhm { get; init; } = 3.0;
    /// <summary>Relative seeing change over the session (0.3 = ±30 %).</summary>
    public double SeeingVariation { get; init; } = 0.3;
    /// <summary>Largest relative FWHM change across the field within one frame (0.25 = edges differ by up to ±25 %).</summary>
    public double SeeingFieldVariation { get; init; } = 0.25;
    /// <summary>
    /// When true, the field seeing alternates frame by frame instead of drifting slowly: even frames
    /// are sharp on the left and soft on the right by <see cref="SeeingFieldVariation"/>, odd frames
    /// the other way round. A test of local (per-area) weighting: no frame is sharp everywhere.
    /// </summary>
    public bool AlternatingFieldSeeing { get; init; }
    /// <summary>Total field rotation over the session, degrees (alt-az mounts).</summary>
    public double FieldRotationDegrees { get; init; } = 6;
    /// <summary>Total drift over the session, pixels.</summary>
    public double DriftPixels { get; init; } = 30;
    /// <summary>Random dither per frame, pixels (uniform in ±value).</summary>
    public double DitherPixels { get; init; } = 5;
    /// <summary>Fixed hot pixels on the sensor.</summary>
    public int HotPixels { get; init; } = 40;
    /// <summary>Add a satellite trail to one frame.</summary>
    public bool SatelliteTrail { get; init; } = true;
    /// <summary>Make one frame bad (thick clouds and blur).</summary>
    public bool BadFrame { get; init; } = true;
    /// <summary>Add an extended object (a galaxy) near the centre.</summary>
    public bool ExtendedObject { get; init; } = true;
    /// <summary>Peak brightness in ADU of diffuse, filamentary nebulosity filling much of the field (0 = none).</summary>
    public double Nebulosity { get; init; }
    /// <summary>Frames whose stars a tracking error drew out into streaks of <see cref="StreakPixels"/>.</summary>
    public int StreakedFrames { get; init; }
    /// <summary>Length of the streaks, pixels.</summary>
    public double StreakPixels { get; init; } = 8;
    /// <summary>Cosmic-ray hits per frame (on average).</summary>
    public double CosmicRaysPerFrame { get; init; } = 2;

    /// <summary>
    /// When true, the frames pass through a sensor and optics that need calibration (bias structure, dark current
    /// with amp glow and hot pixels, vignetting and dust shadows), and bias, dark, flat and flat-dark frames are
    /// written beside the lights with the true masters (see <see cref="SampleSensorModel"/>).
    /// </summary>
    public bool Calibration { get; init; }
    /// <summary>Frames of each calibration kind written with <see cref="Calibration"/>.</summary>
    public int CalibrationFrames { get; init; } = 16;

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (Width is < 64 or > 16384) throw new ArgumentException($"Width {Width} must be between 64 and 16384");
        if (Height is < 64 or > 16384) throw new ArgumentException($"Height {Height} must be between 64 and 16384");
        if (Frames is < 1 or > 100000) throw new ArgumentException($"Frames {Frames} must be between 1 and 100000");
        if (Sensor == SampleSensor.Rggb && (Width % 2 != 0 || Height % 2 != 0)) throw new ArgumentException("RGGB frames need an even width and height");
        if (Sensor == SampleSensor.Rggb && !Imaging.BayerPattern.TryParse(CfaPattern, out _))
            throw new ArgumentException($"CfaPattern '{CfaPattern}' must be one of {string.Join(", ", Imaging.BayerPattern.Names)}");
        if (StarDensity is < 0 or > 1000) throw new ArgumentException($"StarDensity {StarDensity} must be between 0 and 1000");
        if (SeeingFwhm is < 0.8 or > 30) throw new ArgumentException($"SeeingFwhm {SeeingFwhm} must be between 0.8 and 30 pixels");
        if (ExposureSeconds <= 0) throw new ArgumentException("ExposureSeconds must be positive");
        if (Nebulosity is < 0 or > 30000) throw new ArgumentException($"Nebulosity {Nebulosity} must be between 0 and 30000 ADU");
        if (StreakedFrames < 0 || StreakedFrames > Frames / 2) throw new ArgumentException($"StreakedFrames {StreakedFrames} must be between 0 and half the frames ({Frames / 2})");
        if (StreakPixels is < 0 or > 200) throw new ArgumentException($"StreakPixels {StreakPixels} must be between 0 and 200");
        if (Calibration && CalibrationFrames is < 2 or > 1000) throw new ArgumentException($"CalibrationFrames {CalibrationFrames} must be between 2 and 1000");
        if (SkyLevel is < 0 or > 30000) throw new ArgumentException($"SkyLevel {SkyLevel} must be between 0 and 30000 ADU");
    }
}
