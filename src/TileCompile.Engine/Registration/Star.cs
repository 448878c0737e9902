namespace TileCompile.Engine.Registration;

/// <summary>A detected star: centroid, background-subtracted flux and peak, shape, local background.</summary>
/// <param name="X">Centroid x (px, 0-based pixel centres).</param>
/// <param name="Y">Centroid y.</param>
/// <param name="Flux">Flux above background in the aperture.</param>
/// <param name="Peak">Peak above background.</param>
/// <param name="Fwhm">FWHM from second moments (px).</param>
/// <param name="Roundness">Minor/major axis ratio b/a (1 = round).</param>
/// <param name="Background">Local background level.</param>
public sealed record Star(double X, double Y, double Flux, double Peak, double Fwhm, double Roundness, double Background);
