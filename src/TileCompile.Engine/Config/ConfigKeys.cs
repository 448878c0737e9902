using static TileCompile.Engine.Config.ConfigKeyFactory;

namespace TileCompile.Engine.Config;

/// <summary>
/// Every configuration key the engine reads, grouped by section. Names follow the published
/// <c>tile_compile.yaml</c> where the key exists there; defaults are ours (see docs/config.md).
/// </summary>
public static class ConfigKeys
{
    /// <summary>Run placement.</summary>
    public static class Run
    {
        /// <summary>Runs root; empty means <c>./runs</c> under the current directory.</summary>
        public static readonly ConfigKey<string> RunDir = Text("run_dir", "", "Folder that holds run directories; empty = ./runs under the current directory.", affectsResults: false);
    }

    /// <summary>Input discovery.</summary>
    public static class Input
    {
        /// <summary>File patterns, separated by ';'.</summary>
        public static readonly ConfigKey<string> Pattern = Text("input.pattern", "*.fit;*.fits;*.fts;*.fz", "Light-frame file patterns, separated by ';' (natural sort order).");
    }

    /// <summary>What the frames are.</summary>
    public static class Data
    {
        /// <summary>Colour mode.</summary>
        public static readonly ConfigKey<string> ColorMode = Choice("data.color_mode", "auto", new[] { "auto", "OSC", "MONO", "RGB" }, "auto = from the headers (BAYERPAT, NAXIS3); OSC = one-shot-colour CFA; MONO; RGB cubes.");
        /// <summary>Bayer pattern fallback.</summary>
        public static readonly ConfigKey<string> BayerPattern = Choice("data.bayer_pattern", "auto", new[] { "auto", "RGGB", "BGGR", "GRBG", "GBRG" }, "CFA pattern when the headers have no BAYERPAT; auto = from the headers.");
    }

    /// <summary>Operating-mode thresholds.</summary>
    public static class Assumptions
    {
        /// <summary>Minimum frames for the method proper.</summary>
        public static readonly ConfigKey<int> FramesMin = Int("assumptions.frames_min", 30, 2, 100000, "Below this many usable frames the run is in emergency mode (reduced, with a warning).");
        /// <summary>Threshold for full mode.</summary>
        public static readonly ConfigKey<int> FramesReducedThreshold = Int("assumptions.frames_reduced_threshold", 120, 2, 100000, "At or above this many usable frames the run uses full mode (clustering and synthetic frames).");
        /// <summary>Exposure tolerance.</summary>
        public static readonly ConfigKey<double> ExposureTolerancePercent = Double("assumptions.exposure_time_tolerance_percent", 5, 0, 100, "Frames whose exposure differs from the median by more than this percentage are excluded.");
    }

    /// <summary>Registration.</summary>
    public static class Registration
    {
        /// <summary>Engine.</summary>
        public static readonly ConfigKey<string> Engine = Choice("registration.engine", "triangle_star_matching", new[] { "triangle_star_matching", "phase_correlation" }, "Star triangle matching (phase correlation for frames it cannot match), or phase correlation for every frame (triangle matching where it finds no clear offset); either is refined on the stars, and in nebulous fields on the images themselves (docs/registration.md).");
        /// <summary>Transform model.</summary>
        public static readonly ConfigKey<string> Transform = Choice("registration.transform", "similarity", new[] { "similarity", "affine" }, "Fitted transform: similarity (rotation, shift, uniform scale) or affine.");
        /// <summary>Allow rotation.</summary>
        public static readonly ConfigKey<bool> AllowRotation = Bool("registration.allow_rotation", true, "Fit field rotation (alt-az mounts rotate up to tens of degrees).");
        /// <summary>Stars used for matching.</summary>
        public static readonly ConfigKey<int> StarTopK = Int("registration.star_topk", 120, 3, 2000, "Brightest stars used for matching.");
        /// <summary>Minimum inliers.</summary>
        public static readonly ConfigKey<int> StarMinInliers = Int("registration.star_min_inliers", 6, 2, 1000, "Frames with fewer matched stars are excluded.");
        /// <summary>Inlier tolerance.</summary>
        public static readonly ConfigKey<double> StarInlierTolPx = Double("registration.star_inlier_tol_px", 2.5, 0, 100, "Distance (px) within which a transformed star counts as matched.", minExclusive: true);
        /// <summary>Maximum residual.</summary>
        public static readonly ConfigKey<double> MaxRmsPx = Double("registration.max_rms_px", 1.5, 0, 100, "Frames whose matched-star RMS residual exceeds this (px) are excluded.", minExclusive: true);
        /// <summary>Detection threshold.</summary>
        public static readonly ConfigKey<double> DetectionSigma = Double("registration.detection_sigma", 5, 1, 100, "Star detection threshold in background sigmas.");
        /// <summary>Reference frame.</summary>
        public static readonly ConfigKey<string> ReferenceFrame = Text("registration.reference_frame", "", "File name of the reference frame; empty = chosen automatically.");
        /// <summary>Interpolation.</summary>
        public static readonly ConfigKey<string> Interpolation = Choice("registration.interpolation", "lanczos3", new[] { "bilinear", "cubic", "lanczos3" }, "Resampling kernel for warping: lanczos3 keeps stars sharpest; cubic (cubic convolution) smooths the per-pixel noise a little for about 1 % more HFD on mono frames (2 % FWHM on real colour frames); bilinear smooths most (5 % more HFD on mono frames). docs/quality.md has the measurements.");
        /// <summary>How colour (CFA) frames become colour planes before warping.</summary>
        public static readonly ConfigKey<string> Debayer = Choice("registration.debayer", "gradient_corrected", new[] { "gradient_corrected", "bilinear", "half_resolution" },
            "Colour (CFA) frames: gradient_corrected debayers each frame at full resolution before warping, sharpening the bilinear planes with each colour's curvature and green's detail in ways that move no flux between colours (star colours stay true); bilinear uses plain neighbour means; half_resolution keeps R, G and B as half-resolution planes warped on their own grids (blurrier).");
    }

    /// <summary>Calibration of the lights with bias, darks and flats.</summary>
    public static class Calibration
    {
        /// <summary>Bias frames.</summary>
        public static readonly ConfigKey<string> Bias = Text("calibration.bias", "",
            "Bias (offset) frames: a folder of them or one master FITS file; relative to the lights folder. Empty = found by name (see calibration.discover) or none.");
        /// <summary>Dark frames.</summary>
        public static readonly ConfigKey<string> Darks = Text("calibration.darks", "",
            "Darks at the lights' exposure and temperature (they contain the bias, which is then not subtracted again): a folder or one master file.");
        /// <summary>Flat frames.</summary>
        public static readonly ConfigKey<string> Flats = Text("calibration.flats", "",
            "Flat fields: a folder or one master file. The master flat minus its flat-dark (or the bias) is divided by its mean per CFA colour and divides every light.");
        /// <summary>Dark-flat frames.</summary>
        public static readonly ConfigKey<string> DarkFlats = Text("calibration.darkflats", "",
            "Darks at the flats' exposure (flat-darks): a folder or one master file; without them the bias is taken off the flats.");
        /// <summary>Find calibration folders by name.</summary>
        public static readonly ConfigKey<bool> Discover = Bool("calibration.discover", true,
            "For each kind left empty, use a folder beside or inside the lights folder named bias/offset, darks/dark, flats/flat or darkflats/flatdarks (any case); else a Dwarf CALI_FRAME master that fits the lights; else the frames of that kind among the lights (by IMAGETYP).");
        /// <summary>Temperature tolerance of darks.</summary>
        public static readonly ConfigKey<double> TemperatureTolerance = Double("calibration.temperature_tolerance", 2, 0, 100,
            "Darks (and flat-darks) may differ from the frames they calibrate by this many °C (CCD-TEMP, else SET-TEMP); exposure must agree within 5 %, gain, offset and binning exactly.");
        /// <summary>Scale darks by exposure.</summary>
        public static readonly ConfigKey<bool> DarkScaling = Bool("calibration.dark_scaling", false,
            "Scale the dark current to the lights' exposure: dark' = bias + (dark − bias) · t_light / t_dark. Needs a bias; the darks' exposure then need not match the lights'.");
        /// <summary>How masters are combined.</summary>
        public static readonly ConfigKey<string> Combine = Choice("calibration.combine", "sigma_clip", new[] { "sigma_clip", "median" },
            "How calibration frames become a master: sigma_clip = mean after 3σ winsorized clipping; median = per-pixel median.");
    }

    /// <summary>Drizzle: photosites dropped onto the output grid instead of interpolated.</summary>
    public static class Drizzle
    {
        /// <summary>When to drizzle.</summary>
        public static readonly ConfigKey<string> Mode = Choice("drizzle.mode", "off", new[] { "off", "auto", "on" },
            "off = colour frames take the full-resolution debayer: measured against drizzle it was sharper on 32 real Seestar frames and sharper with 5 % more aperture SNR on 200 synthetic ones (drizzle won 7 % aperture SNR on 60 rotated frames, docs/quality.md); auto = Bayer drizzle for colour sessions of at least drizzle.min_frames registered frames whose dither covers the Bayer cell; on = drizzle colour and mono frames (mono gains from it at drizzle.scale 1.5 or 2).");
        /// <summary>Fewest registered frames for automatic drizzle.</summary>
        public static readonly ConfigKey<int> MinFrames = Int("drizzle.min_frames", 50, 2, 100000,
            "Fewest registered colour frames for auto to drizzle: each colour's photosites cover a quarter (red, blue) or half (green) of the grid per frame, so few frames leave gaps.");
        /// <summary>Output scale.</summary>
        public static readonly ConfigKey<double> Scale = Double("drizzle.scale", 1, 1, 2,
            "Output pixels per input pixel along each axis: 1, or 1.5 and 2 for undersampled, well-dithered sequences (the output is that much larger).");
        /// <summary>Drop size.</summary>
        public static readonly ConfigKey<double> Pixfrac = Double("drizzle.pixfrac", 0.9, 0, 1,
            "Side of each photosite's drop as a fraction of a pixel: smaller is sharper, noisier and less even (0.8 left pixels 6.8σ dark from uneven coverage on 60 frames, 0.9 none below 3.8σ) and needs more frames to cover the grid.", minExclusive: true);
    }

    /// <summary>Normalization.</summary>
    public static class Normalization
    {
        /// <summary>Enabled (must stay true).</summary>
        public static readonly ConfigKey<bool> Enabled = Bool("normalization.enabled", true, "Background normalization; the method requires it.");
    }

    /// <summary>Global frame weights.</summary>
    public static class GlobalMetrics
    {
        /// <summary>How frames are weighted.</summary>
        public static readonly ConfigKey<string> Method = Choice("global_metrics.method", "snr", new[] { "snr", "quality" },
            "snr = w ∝ transparency / noise² (the signal-to-noise optimal weighted mean); quality = the published exp(k · Q) of background, noise and gradient z-scores.");
        /// <summary>Background weight α.</summary>
        public static readonly ConfigKey<double> WeightBackground = Double("global_metrics.weights.background", 0.4, 0, 1, "α: weight of the (negated) background z-score.");
        /// <summary>Noise weight β.</summary>
        public static readonly ConfigKey<double> WeightNoise = Double("global_metrics.weights.noise", 0.3, 0, 1, "β: weight of the (negated) noise z-score.");
        /// <summary>Gradient weight γ.</summary>
        public static readonly ConfigKey<double> WeightGradient = Double("global_metrics.weights.gradient", 0.3, 0, 1, "γ: weight of the gradient-energy z-score.");
        /// <summary>Quality clamp.</summary>
        public static readonly ConfigKey<DoubleRange> Clamp = DoubleRange("global_metrics.clamp", -3, 3, -10, 10, "Clamp of the global quality score before exponentiation.");
        /// <summary>Adaptive weights.</summary>
        public static readonly ConfigKey<bool> AdaptiveWeights = Bool("global_metrics.adaptive_weights", false, "Derive α, β, γ from the variance of each z-series (each in [0.1, 0.7]).");
        /// <summary>Exponent scale k.</summary>
        public static readonly ConfigKey<double> WeightExponentScale = Double("global_metrics.weight_exponent_scale", 0.5, 0, 10,
            "k in G = exp(k · Q). 0.5: z-scored frame metrics spread weights widely even between frames that barely differ, and that spread costs noise the local weighting can use for sharpness.");
    }

    /// <summary>Tile grid.</summary>
    public static class Tile
    {
        /// <summary>Size factor s.</summary>
        public static readonly ConfigKey<double> SizeFactor = Double("tile.size_factor", 24, 1, 1000, "Tile size = size_factor × seeing FWHM (px), clipped.", minExclusive: false);
        /// <summary>Minimum tile size.</summary>
        public static readonly ConfigKey<int> MinSize = Int("tile.min_size", 48, 16, 100000, "Smallest tile edge (px).");
        /// <summary>Maximum divisor D.</summary>
        public static readonly ConfigKey<int> MaxDivisor = Int("tile.max_divisor", 6, 1, 1000, "Tile edge at most min(width, height) / max_divisor.");
        /// <summary>Overlap fraction.</summary>
        public static readonly ConfigKey<double> OverlapFraction = Double("tile.overlap_fraction", 0.3, 0, 0.5, "Overlap between neighbouring tiles as a fraction of the tile edge.");
        /// <summary>Star-tile threshold.</summary>
        public static readonly ConfigKey<int> StarMinCount = Int("tile.star_min_count", 5, 1, 10000, "A tile with at least this many reference stars is a STAR tile, else a STRUCTURE tile.");
    }

    /// <summary>Local (per-tile) weights.</summary>
    public static class LocalMetrics
    {
        /// <summary>How tiles are weighted.</summary>
        public static readonly ConfigKey<string> Method = Choice("local_metrics.method", "snr", new[] { "snr", "quality" },
            "snr = frame weight × (median FWHM / FWHM)^fwhm_exponent per tile (signal-to-noise optimal for point sources); quality = the published exp(k · Q) of FWHM, roundness and contrast z-scores within local_metrics.noise_budget.");
        /// <summary>FWHM exponent of the SNR tile weights.</summary>
        public static readonly ConfigKey<double> FwhmExponent = Double("local_metrics.fwhm_exponent", 1, 0, 4,
            "method snr: w ∝ 1/FWHM^e per tile. 2 would maximize a point source's peak signal-to-noise if FWHM were measured without error; 1 because per-tile FWHM of registered frames carries interpolation and measurement noise (on real Seestar frames e = 2 cost 4 % aperture SNR for no gain in FWHM); 0 weights tiles by the frame weight alone.");
        /// <summary>Quality clamp.</summary>
        public static readonly ConfigKey<DoubleRange> Clamp = DoubleRange("local_metrics.clamp", -3, 3, -10, 10, "Clamp of the local quality score before exponentiation.");
        /// <summary>STAR tiles: FWHM weight.</summary>
        public static readonly ConfigKey<double> StarFwhm = Double("local_metrics.star_mode.weights.fwhm", 0.6, 0, 1, "STAR tiles: weight of the (negated) FWHM z-score.");
        /// <summary>STAR tiles: roundness weight.</summary>
        public static readonly ConfigKey<double> StarRoundness = Double("local_metrics.star_mode.weights.roundness", 0.2, 0, 1, "STAR tiles: weight of the roundness z-score.");
        /// <summary>STAR tiles: contrast weight.</summary>
        public static readonly ConfigKey<double> StarContrast = Double("local_metrics.star_mode.weights.contrast", 0.2, 0, 1, "STAR tiles: weight of the contrast z-score.");
        /// <summary>STRUCTURE tiles: metric weight.</summary>
        public static readonly ConfigKey<double> StructureMetric = Double("local_metrics.structure_mode.metric_weight", 0.7, 0, 1, "STRUCTURE tiles: weight of the E/σ z-score.");
        /// <summary>STRUCTURE tiles: background weight.</summary>
        public static readonly ConfigKey<double> StructureBackground = Double("local_metrics.structure_mode.background_weight", 0.3, 0, 1, "STRUCTURE tiles: weight of the (negated) background z-score.");
        /// <summary>Exponent scale of the local weight.</summary>
        public static readonly ConfigKey<double> WeightExponentScale = Double("local_metrics.weight_exponent_scale", 1, 0, 5,
            "Largest k in L = exp(k · clip(Q)): larger favours the sharp frames of each tile more, at a cost in noise.");
        /// <summary>Noise budget of the local weighting.</summary>
        public static readonly ConfigKey<double> NoiseBudget = Double("local_metrics.noise_budget", 1.15, 1, 10,
            "Most the weighting may raise a tile's noise over an equal-weight mean (1.15 = 15 %); k is lowered per tile until it fits. 10 = no limit.");
    }

    /// <summary>Synthetic frames (full mode).</summary>
    public static class Synthetic
    {
        /// <summary>Weighting.</summary>
        public static readonly ConfigKey<string> Weighting = Choice("synthetic.weighting", "tile_weighted", new[] { "global", "tile_weighted" },
            "Synthetic frame per cluster: tile-weighted reconstruction of its frames (each area weighted by where the frames are sharp), or global frame weights only.");
        /// <summary>Cluster count range.</summary>
        public static readonly ConfigKey<IntRange> ClusterCountRange = IntRange("synthetic.clustering.cluster_count_range", 5, 30, 1, 1000, "K = clip(N / 10, low, high) clusters.");
    }

    /// <summary>Final stacking.</summary>
    public static class Stacking
    {
        /// <summary>Method.</summary>
        public static readonly ConfigKey<string> Method = Choice("stacking.method", "winsorized", new[] { "winsorized", "rej", "average" },
            "winsorized = weighted mean after winsorized sigma clipping (the spread is judged without the outliers: about 0.3 % of Gaussian samples rejected at 3σ); rej = classic iterative sigma clipping; average = plain weighted mean.");
        /// <summary>Lower clip.</summary>
        public static readonly ConfigKey<double> SigmaLow = Double("stacking.sigma_clip.sigma_low", 3, 0.1, 100, "Lower rejection threshold in sigmas.");
        /// <summary>Upper clip.</summary>
        public static readonly ConfigKey<double> SigmaHigh = Double("stacking.sigma_clip.sigma_high", 4, 0.1, 100, "Upper rejection threshold in sigmas. 4 because star cores vary between frames with seeing and sub-pixel position more than sky noise does: at 3 the brightest frames' cores were clipped and red and blue, whose cores vary most, lost 2–3 % of their flux; cosmic rays, satellites and hot pixels stand far above 4σ.");
        /// <summary>Iterations.</summary>
        public static readonly ConfigKey<int> MaxIters = Int("stacking.sigma_clip.max_iters", 3, 1, 100, "Rejection iterations.");
        /// <summary>Minimum kept fraction.</summary>
        public static readonly ConfigKey<double> MinFraction = Double("stacking.sigma_clip.min_fraction", 0.4, 0, 1, "Keep at least this fraction of samples, else fall back to the unclipped mean.");
        /// <summary>Cluster quality weighting.</summary>
        public static readonly ConfigKey<bool> ClusterWeighting = Bool("stacking.cluster_quality_weighting.enabled", false,
            "Also weight synthetic frames by their cluster's global quality. Off by default: the frames' weights already include their global weight, so this counts it twice and adds noise.");
        /// <summary>κ.</summary>
        public static readonly ConfigKey<double> KappaCluster = Double("stacking.cluster_quality_weighting.kappa_cluster", 1, 0, 10, "κ in w_k = exp(κ · Q_k).");
        /// <summary>Cap ratio.</summary>
        public static readonly ConfigKey<double> CapRatio = Double("stacking.cluster_quality_weighting.cap_ratio", 20, 1, 1000, "Cluster weights are capped at cap_ratio × median weight.");
        /// <summary>Clipping across synthetic frames.</summary>
        public static readonly ConfigKey<bool> SyntheticRejection = Bool("stacking.synthetic_rejection", false, "Full mode: also sigma-clip across the synthetic frames (outliers are already rejected within each cluster; clipping across clusters of different sharpness softens stars).");
    }

    /// <summary>Output.</summary>
    public static class Output
    {
        /// <summary>Crop.</summary>
        public static readonly ConfigKey<bool> CropToCommonArea = Bool("output.crop_to_nonzero_bbox", false, "Crop the result to the area every frame covers.");
        /// <summary>PNG preview.</summary>
        public static readonly ConfigKey<bool> PngPreview = Bool("output.png_preview", true, "Write a stretched PNG preview under artifacts/ (the FITS stays linear).");
    }

    /// <summary>Resource limits (performance only; never change results).</summary>
    public static class RuntimeLimits
    {
        /// <summary>Workers.</summary>
        public static readonly ConfigKey<int> ParallelWorkers = Int("runtime_limits.parallel_workers", 0, 0, 256, "Worker threads; 0 = one per core. Results do not depend on it.", affectsResults: false);
        /// <summary>Memory budget.</summary>
        public static readonly ConfigKey<int> MemoryBudgetMiB = Int("runtime_limits.memory_budget", 512, 64, 1048576, "Working-memory budget in MiB for tile buffers.", affectsResults: false);
        /// <summary>Backoff before a phase runs again after a transient fault.</summary>
        public static readonly ConfigKey<int> RetryBackoffMs = Int("runtime_limits.retry_backoff_ms", 200, 0, 60000,
            "Wait in milliseconds before a phase runs again after a transient fault (I/O, timeout); doubled for each retry, plus up to half again at random.", affectsResults: false);
        /// <summary>Failures after which a phase is no longer retried automatically.</summary>
        public static readonly ConfigKey<int> MaxPhaseFailures = Int("runtime_limits.max_phase_failures", 3, 1, 1000,
            "After a phase has failed this many times (over all attempts), automatic resumes (resume.auto, -ResumeIfFailed) stop retrying the run; an explicit resume still runs it.", affectsResults: false);
        /// <summary>Limit for the whole run's working memory.</summary>
        public static readonly ConfigKey<int> MaxMemoryMiB = Int("runtime_limits.max_memory", 0, 0, 16777216,
            "Limit in MiB for the run's whole working memory; 0 = 80 % of the machine's memory. Fewer frames are worked on at once to stay within it, and frames too large for it are refused before anything is allocated.", affectsResults: false);
        /// <summary>I/O retries.</summary>
        public static readonly ConfigKey<int> IoRetries = Int("runtime_limits.io_retries", 2, 0, 20, "How many times a phase runs again, within one attempt, after a transient fault (I/O error, timeout); other errors fail the phase at once.", affectsResults: false);
    }

    /// <summary>Resume behaviour.</summary>
    public static class Resume
    {
        /// <summary>Auto-resume.</summary>
        public static readonly ConfigKey<bool> Auto = Bool("resume.auto", false, "Starting a run on an input folder whose latest run with the same config failed or was interrupted resumes that run.", affectsResults: false);
    }
}
