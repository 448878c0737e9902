using System.Globalization;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Pipeline.Phases;
using StackKeys = TileCompile.Engine.Config.ConfigKeys.Stacking;

namespace TileCompile.Engine.Pipeline;

/// <summary>The header written with the stacked image.</summary>
internal static class StackHeader
{
    /// <summary>
    /// The stacked image's header: the reference frame's own cards (less the mosaic's and ours), what went in (frames,
    /// total exposure, time span), the software and the run, and the method in HISTORY.
    /// </summary>
    public static FitsHeader For(PhaseContext context, RegistrationReport registration, ChannelReport channels, int used, RunMode mode)
    {
        var header = new FitsHeader();
        var scan = context.Read(ArtifactCatalog.Scan);
        var reference = scan.Frames.FirstOrDefault(f => f.File == registration.Reference);
        if (reference is not null && File.Exists(reference.Path))
        {
            var original = FitsImage.ReadHeader(reference.Path);
            foreach (var card in original.Cards)
            {
                if (card.Keyword is "BAYERPAT" or "XBAYROFF" or "YBAYROFF" or "COLORTYP" or "ROWORDER" or "DATAMAX" or "DATAMIN" || card.Keyword.StartsWith("TC-", StringComparison.Ordinal)) continue;
                header.Add(card);
            }
        }
        var usedFrames = scan.Frames.Where(f => registration.Frames.Any(r => r.Frame == f.File && r.Status == "ok")).ToList();
        var exposure = usedFrames.Sum(f => f.Exposure ?? 0);
        header.Set("NCOMBINE", (long)used, "frames combined");
        header.Set("STACKCNT", (long)used, "frames combined");
        if (exposure > 0)
        {
            header.Set("LIVETIME", exposure, "total exposure of combined frames [s]");
            header.Set("TOTALEXP", exposure, "total exposure of combined frames [s]");
        }
        // The time span of the frames that went in: other tools compute the mid-exposure and airmass from it.
        var dated = usedFrames.Select(f => (Frame: f, Start: ParseDate(f.DateObs))).Where(d => d.Start is not null).OrderBy(d => d.Start).ToList();
        if (dated.Count > 0)
        {
            header.Set("DATE-OBS", dated[0].Start!.Value.ToString("yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture), "UTC start of the first frame combined");
            var last = dated[^1];
            header.Set("DATE-END", last.Start!.Value.AddSeconds(last.Frame.Exposure ?? 0).ToString("yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture),
                "UTC end of the last frame combined");
        }
        header.Set("PROGRAM", "TileCompile", "software that made this image");
        header.Set("SWCREATE", $"TileCompile {EngineInfo.Version}", "software that made this image");
        header.Set("TC-RUNID", context.Run.RunId, "TileCompile run id");
        header.Set("TC-VERS", EngineInfo.Version, "TileCompile engine version");
        header.Set("TC-MODE", mode.ToString().ToLowerInvariant(), "full, reduced or emergency mode");
        header.Set("TC-REF", registration.Reference, "registration reference frame");
        if (channels.BayerPattern is not null) header.Set("TC-CFA", channels.BayerPattern, "CFA pattern of the input frames");
        if (channels.Drizzle is { } drizzle)
        {
            header.Set("TC-DRIZ", $"scale {drizzle.Scale}, pixfrac {drizzle.Pixfrac}", "drizzled; output pixels per input pixel = scale");
            header.AddHistory($"drizzled at scale {drizzle.Scale.ToString(CultureInfo.InvariantCulture)}, pixfrac {drizzle.Pixfrac.ToString(CultureInfo.InvariantCulture)}");
        }
        header.AddHistory($"TileCompile {EngineInfo.Version}: tile-based quality reconstruction of {used} frames ({mode.ToString().ToLowerInvariant()} mode)");
        header.AddHistory($"registered onto {registration.Reference}; background-normalized; linear, no stretch applied");
        header.AddHistory(string.Create(CultureInfo.InvariantCulture,
            $"stacked: {context.Config.Get(StackKeys.Method)} rejection at {context.Config.Get(StackKeys.SigmaLow)}/{context.Config.Get(StackKeys.SigmaHigh)} sigma; config hash {context.Run.ConfigHash}"));
        return header;
    }

    private static DateTime? ParseDate(string? text) =>
        text is not null && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
