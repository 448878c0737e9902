using System.Text;

namespace TileCompile.Engine.Runs;

/// <summary>
/// Cuts a byte stream into UTF-8 lines without ever holding more than one bounded line: a line longer than the
/// limit (a damaged or hostile log) is skipped as it streams past instead of being built up in memory.
/// </summary>
public sealed class LineSplitter
{
    /// <summary>Longer than any event or record the engine writes (those are a few KiB).</summary>
    public const int DefaultMaxLineBytes = 4 << 20;

    private readonly int _maxLineBytes;
    private readonly System.Buffers.ArrayBufferWriter<byte> _line = new();
    private bool _skipping;

    /// <summary>Creates a splitter that skips lines of more than <paramref name="maxLineBytes"/> bytes.</summary>
    public LineSplitter(int maxLineBytes = DefaultMaxLineBytes) => _maxLineBytes = maxLineBytes;

    /// <summary>Lines skipped for their length so far.</summary>
    public int SkippedLines { get; private set; }

    /// <summary>Feeds bytes; complete lines (without their newline) are added to <paramref name="lines"/>.</summary>
    public void Feed(ReadOnlySpan<byte> bytes, List<string> lines)
    {
        while (bytes.Length > 0)
        {
            var newline = bytes.IndexOf((byte)'\n');
            var part = newline < 0 ? bytes : bytes[..newline];
            if (!_skipping)
            {
                if (_line.WrittenCount + part.Length > _maxLineBytes)
                {
                    _skipping = true;
                    _line.ResetWrittenCount();
                }
                else
                {
                    System.Buffers.BuffersExtensions.Write(_line, part);
                }
            }
            if (newline < 0) return;
            if (_skipping) SkippedLines++;
            else lines.Add(Encoding.UTF8.GetString(_line.WrittenSpan));
            _line.ResetWrittenCount();
            _skipping = false;
            bytes = bytes[(newline + 1)..];
        }
    }

    /// <summary>The complete lines of a file (a last line without its newline included), overlong ones skipped.</summary>
    public static List<string> ReadFile(string path, int maxLineBytes = DefaultMaxLineBytes)
    {
        var lines = new List<string>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var splitter = new LineSplitter(maxLineBytes);
        var buffer = new byte[1 << 16];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0) splitter.Feed(buffer.AsSpan(0, n), lines);
        splitter.Feed("\n"u8, lines);
        return lines;
    }
}
