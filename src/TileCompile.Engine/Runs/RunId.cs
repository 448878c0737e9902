using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace TileCompile.Engine.Runs;

/// <summary>Run identifiers: <c>yyyyMMdd_HHmmss_</c> + 8 hex digits, e.g. <c>20260108_220541_bf8ccabf</c>.</summary>
public static partial class RunId
{
    [GeneratedRegex("^[0-9]{8}_[0-9]{6}_[0-9a-f]{8}$")]
    private static partial Regex Shape();

    /// <summary>A new id for a run started at <paramref name="utcNow"/>.</summary>
    public static string New(DateTime utcNow) =>
        utcNow.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture) + "_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();

    /// <summary>True for strings of the id shape.</summary>
    public static bool IsValid(string? id) => id is not null && Shape().IsMatch(id);

    /// <summary>True for names a user may choose for <c>--run-id</c>: letters, digits, '-', '_' and '.', 1–64 characters.</summary>
    public static bool IsAcceptableCustom(string id) =>
        id.Length is >= 1 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && id[0] != '.';
}
