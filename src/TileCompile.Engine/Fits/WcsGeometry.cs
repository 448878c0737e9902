using System.Globalization;

namespace TileCompile.Engine.Fits;

/// <summary>
/// Keeps a celestial WCS copied from the reference frame true for the stacked image, whose pixel grid may be the
/// reference's scaled by drizzle and then cropped: CRPIX moves with the grid, CD and CDELT shrink with the scale.
/// </summary>
public static class WcsGeometry
{
    /// <summary>
    /// Rewrites the WCS in <paramref name="header"/> for an output grid <paramref name="scale"/> times finer than the
    /// reference, whose first pixel is output pixel (<paramref name="cropX"/>, <paramref name="cropY"/>) of the
    /// uncropped grid (0-based). Without CRPIX1/CRPIX2 nothing is changed. Returns true when a WCS was adjusted.
    /// </summary>
    public static bool Adjust(FitsHeader header, double scale, int cropX, int cropY)
    {
        if (header.GetDouble("CRPIX1") is not { } crpix1 || header.GetDouble("CRPIX2") is not { } crpix2) return false;
        // FITS pixel centres are integers; the edge of pixel 1 is at 0.5, which stays at 0.5 on a finer grid.
        header.Set("CRPIX1", (crpix1 - 0.5) * scale + 0.5 - cropX);
        header.Set("CRPIX2", (crpix2 - 0.5) * scale + 0.5 - cropY);
        if (scale != 1)
        {
            foreach (var key in new[] { "CD1_1", "CD1_2", "CD2_1", "CD2_2", "CDELT1", "CDELT2" })
                if (header.GetDouble(key) is { } value) header.Set(key, value / scale);
            // SIP polynomials are defined in the reference's pixel units; rather than a wrong distortion, none.
            var sip = header.Cards.Where(c => IsSipKeyword(c.Keyword)).Select(c => c.Keyword).Distinct().ToList();
            foreach (var key in sip) header.Remove(key);
            if (sip.Count > 0)
            {
                foreach (var axis in new[] { "CTYPE1", "CTYPE2" })
                    if (header.GetString(axis) is { } type && type.EndsWith("-SIP", StringComparison.Ordinal)) header.Set(axis, type[..^4]);
                header.AddHistory(string.Create(CultureInfo.InvariantCulture, $"SIP distortion terms removed: the image is drizzled at scale {scale}"));
            }
        }
        return true;
    }

    private static bool IsSipKeyword(string keyword) =>
        keyword is "A_ORDER" or "B_ORDER" or "AP_ORDER" or "BP_ORDER"
        || (keyword.Length > 2 && (keyword.StartsWith("A_", StringComparison.Ordinal) || keyword.StartsWith("B_", StringComparison.Ordinal)) && char.IsDigit(keyword[2]))
        || (keyword.Length > 3 && (keyword.StartsWith("AP_", StringComparison.Ordinal) || keyword.StartsWith("BP_", StringComparison.Ordinal)) && char.IsDigit(keyword[3]));
}
