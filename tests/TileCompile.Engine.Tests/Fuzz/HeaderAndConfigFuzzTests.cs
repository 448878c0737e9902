using System.Diagnostics;
using System.Text;
using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Tests.Support;
using Xunit.Abstractions;

namespace TileCompile.Engine.Tests.Fuzz;

/// <summary>
/// Thousands of mutated FITS headers and configuration files: every one is either read or refused with the
/// format's own error, none throws anything else, hangs, or allocates without bound. The counts show how many
/// cases got past opening the file, so that the mutations are known to reach the parsers.
/// </summary>
public class HeaderAndConfigFuzzTests
{
    private const long MaxBytesPerCase = 500L << 20;
    private static readonly TimeSpan MaxTimePerCase = TimeSpan.FromSeconds(2);
    private readonly ITestOutputHelper _output;
    public HeaderAndConfigFuzzTests(ITestOutputHelper output) => _output = output;

    private static readonly string[] Tokens =
    {
        "0", "-1", "1", "2", "3", "16", "-32", "-64", "8", "64", "999", "1000", "99999999999", "-99999999999", "1E309", "-1E309", "NaN",
        "1.5", "0.0", "'abc'", "''", "'RGGB'", "'XYZW'", "'TOP-DOWN'", "T", "F", "'ten seconds'", "(1,2)", "'", "=", "/", "2147483648",
        "4294967296", "9223372036854775808", "1D10", "+", "-", ".", "'O''Brien'", "'        '",
    };

    private static readonly string[] Keywords =
    {
        "SIMPLE", "BITPIX", "NAXIS", "NAXIS1", "NAXIS2", "NAXIS3", "BZERO", "BSCALE", "BLANK", "EXPTIME", "EXPOSURE", "BAYERPAT",
        "XBAYROFF", "YBAYROFF", "ROWORDER", "IMAGETYP", "INSTRUME", "CCD-TEMP", "GAIN", "DATAMAX", "PCOUNT", "GCOUNT", "EXTEND",
        "CONTINUE", "HIERARCH A B", "END", "COMMENT", "HISTORY", "XTENSION", "ZIMAGE", "ZCMPTYPE",
    };

    private static List<string> BaseCards() => new()
    {
        "SIMPLE  =                    T", "BITPIX  =                   16", "NAXIS   =                    2", "NAXIS1  =                   16",
        "NAXIS2  =                   12", "BZERO   =                32768", "BSCALE  =                    1", "EXPTIME =                 10.0",
        "BAYERPAT= 'RGGB'", "XBAYROFF=                    0", "ROWORDER= 'TOP-DOWN'", "IMAGETYP= 'Light Frame'", "INSTRUME= 'ZWO ASI585MC'",
        "CCD-TEMP=                -10.0", "GAIN    =                  252", "END",
    };

    private static byte[] MutatedFits(Random rng, out string kind)
    {
        var cards = BaseCards();
        var operations = rng.Next(1, 4);
        var kinds = new List<string>();
        for (var o = 0; o < operations; o++)
        {
            var i = rng.Next(cards.Count - 1);
            switch (rng.Next(7))
            {
                case 0:
                    cards[i] = $"{cards[i].PadRight(8)[..8]}= {Tokens[rng.Next(Tokens.Length)],20}";
                    kinds.Add("value");
                    break;
                case 1:
                    cards.Insert(rng.Next(cards.Count - 1), cards[i]);
                    kinds.Add("duplicate");
                    break;
                case 2:
                    cards.RemoveAt(i);
                    kinds.Add("delete");
                    break;
                case 3:
                    cards.Insert(rng.Next(cards.Count), $"{Keywords[rng.Next(Keywords.Length)],-8}= {Tokens[rng.Next(Tokens.Length)],20}");
                    kinds.Add("insert");
                    break;
                case 4:
                    var chars = cards[i].PadRight(80).ToCharArray();
                    chars[rng.Next(80)] = (char)rng.Next(0, 256);
                    cards[i] = new string(chars);
                    kinds.Add("byte");
                    break;
                case 5:
                    cards[i] = cards[i].Length > 8 ? cards[i][..rng.Next(1, cards[i].Length)] : cards[i];
                    kinds.Add("cut-card");
                    break;
                default:
                    (cards[i], cards[rng.Next(cards.Count - 1)]) = (cards[rng.Next(cards.Count - 1)], cards[i]);
                    kinds.Add("swap");
                    break;
            }
        }
        kind = string.Join("+", kinds);
        var header = RawFits.Header(cards.ToArray());
        var data = new byte[16 * 12 * 2];
        rng.NextBytes(data);
        var file = RawFits.Concat(header, RawFits.Padded(data));
        return rng.Next(10) == 0 ? file[..rng.Next(file.Length)] : file;
    }

    /// <summary>
    /// Runs one case: true when it was read, false when refused with <typeparamref name="TRefusal"/> (whose message
    /// <paramref name="refusalProblem"/> checks), null (noted in <paramref name="unexpected"/>) for any other exception.
    /// A case that takes too long or allocates too much is noted as well.
    /// </summary>
    private static bool? Trial<TRefusal>(string label, Action body, Func<TRefusal, string?> refusalProblem, List<string> unexpected) where TRefusal : Exception
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        bool? outcome = null;
        try
        {
            body();
            outcome = true;
        }
        catch (TRefusal e)
        {
            outcome = false;
            if (refusalProblem(e) is { } problem) unexpected.Add($"{label}: {problem}");
        }
        catch (Exception e)
        {
            unexpected.Add($"{label}: {e.GetType().Name}: {e.Message}");
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > MaxBytesPerCase) unexpected.Add($"{label}: allocated {allocated >> 20} MiB");
        if (clock.Elapsed > MaxTimePerCase) unexpected.Add($"{label}: took {clock.Elapsed.TotalSeconds:0.0} s");
        return outcome;
    }

    [Fact]
    public void MutatedFitsHeadersAreReadOrRefusedWithAFitsError()
    {
        using var dir = new TempDirectory();
        var rng = new Random(20261202);
        int opened = 0, readData = 0, refused = 0;
        var unexpected = new List<string>();
        var path = dir.File("case.fit");
        const int cases = 6000;
        for (var n = 0; n < cases; n++)
        {
            var bytes = MutatedFits(rng, out var kind);
            File.WriteAllBytes(path, bytes);
            var outcome = Trial<FitsFormatException>($"#{n} {kind}", () =>
            {
                using (var image = FitsImage.Open(path))
                {
                    opened++;
                    _ = image.Camera;
                    image.ReadPlane();
                    readData++;
                }
                _ = InputScanner.Scan(new[] { path }, 5);
            }, e => e.File is null || !e.Message.Contains("case.fit") ? $"FITS error without the file: {e.Message}" : null, unexpected);
            if (outcome == false) refused++;
        }
        _output.WriteLine($"{cases} FITS cases: {opened} got past opening the file ({readData} read their data), {refused} refused with a FITS error");
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected.Take(20)));
        Assert.InRange(opened, cases / 10, cases - cases / 10);
        Assert.InRange(refused, cases / 10, cases - cases / 10);
    }

    private const string BaseYaml = """
        registration:
          engine: 'triangle_star_matching'
          reference_frame: ''
        stacking:
          method: 'winsorized'
          sigma_clip:
            sigma_low: 3.0
            sigma_high: 4.0
        tile:
          size_factor: 24
          overlap_fraction: 0.3
        synthetic:
          clustering:
            cluster_count_range: [5, 30]
        input:
          pattern: '*.fit;*.fits'
        runtime_limits:
          parallel_workers: 0
        """;

    private static readonly string[] YamlBits =
    {
        ":", "-", "[", "]", "{", "}", "&a", "*a", "!!str", "!!binary", "|", ">", "'", "\"", "#", "\t", "\n", "  ", "? ", "---", "...",
        "%YAML 1.2", "<<: *a", "~", "null", "1e999", "-0", "0x1F", ".inf", ".nan", "yes", "on", "2026-12-02", "\\u0000", "\u00e9",
    };

    private static string MutatedYaml(Random rng)
    {
        var lines = BaseYaml.Split('\n').ToList();
        for (var o = rng.Next(1, 4); o > 0; o--)
        {
            var i = rng.Next(lines.Count);
            switch (rng.Next(5))
            {
                case 0:
                    lines[i] = lines[i].Insert(rng.Next(lines[i].Length + 1), YamlBits[rng.Next(YamlBits.Length)]);
                    break;
                case 1:
                    lines.Insert(rng.Next(lines.Count + 1), lines[i]);
                    break;
                case 2:
                    lines.RemoveAt(i);
                    if (lines.Count == 0) lines.Add("");
                    break;
                case 3:
                    var colon = lines[i].IndexOf(':');
                    if (colon > 0) lines[i] = lines[i][..(colon + 1)] + " " + YamlBits[rng.Next(YamlBits.Length)] + Tokens[rng.Next(Tokens.Length)];
                    break;
                default:
                    lines[i] = new string(' ', rng.Next(0, 7)) + lines[i].TrimStart();
                    break;
            }
        }
        return string.Join('\n', lines);
    }

    [Fact]
    public void MutatedConfigurationsAreReadOrRefusedWithAConfigurationError()
    {
        var rng = new Random(1202);
        int parsed = 0, refused = 0;
        var unexpected = new List<string>();
        const int cases = 5000;
        for (var n = 0; n < cases; n++)
        {
            var yaml = MutatedYaml(rng);
            var outcome = Trial<ConfigValidationException>($"#{n}", () => _ = TileConfig.Parse(yaml, "case.yaml").CanonicalYaml,
                e => e.Issues.Count == 0 || !e.Message.Contains("case.yaml") ? $"configuration error without issues or file: {e.Message}" : null, unexpected);
            if (outcome == true) parsed++;
            else if (outcome == false) refused++;
            else unexpected[^1] += "\n" + yaml;
        }
        _output.WriteLine($"{cases} configuration cases: {parsed} read, {refused} refused with a configuration error");
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected.Take(10)));
        Assert.InRange(parsed, cases / 20, cases - cases / 20);
        Assert.InRange(refused, cases / 20, cases - cases / 20);
    }
}
