using System.Text.Json;
using TileCompile.Engine.FrontEnd;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Tests.Support;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.FrontEnd;

/// <summary>The one mapping from errors to ids and the plan's words, which the CLI and the cmdlets share.</summary>
public class FrontEndErrorsTests
{
    public static TheoryData<Exception, string, ErrorKind> Errors => new()
    {
        { new TileRunException(RunErrorIds.RunBusy, "busy"), RunErrorIds.RunBusy, ErrorKind.Busy },
        { new TileRunException(RunErrorIds.RunNotRunning, "not running"), RunErrorIds.RunNotRunning, ErrorKind.InvalidOperation },
        { new TileRunException(RunErrorIds.MemoryLimit, "too big"), RunErrorIds.MemoryLimit, ErrorKind.LimitsExceeded },
        { new TileCompile.Engine.Fits.FitsFormatException("x.fit", "NAXIS", 80, "bad card"), FrontEndErrors.FitsFormat, ErrorKind.InvalidData },
        { new DirectoryNotFoundException("gone"), FrontEndErrors.DirectoryNotFound, ErrorKind.NotFound },
        { new FileNotFoundException("gone"), FrontEndErrors.FileNotFound, ErrorKind.NotFound },
        { new ArgumentException("bad"), FrontEndErrors.InvalidArgument, ErrorKind.InvalidArgument },
        { new IOException("disk"), FrontEndErrors.IOError, ErrorKind.IOError },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Each_user_error_has_one_id_and_kind(Exception error, string id, ErrorKind kind) =>
        Assert.Equal((id, kind), FrontEndErrors.Identify(error));

    [Fact]
    public void A_bug_is_not_a_user_error() => Assert.Null(FrontEndErrors.Identify(new InvalidOperationException("a bug")));

    [Fact]
    public void The_plan_has_the_same_words_everywhere()
    {
        Assert.Equal("skip", PlanVocabulary.Action(PhaseAction.Skip));
        Assert.Equal("run", PlanVocabulary.Action(PhaseAction.Run));
        Assert.Equal("run_unless_unchanged", PlanVocabulary.Action(PhaseAction.RunUnlessUnchanged));
    }

    [Fact]
    public void The_CLI_reports_a_folder_without_a_run_with_the_shared_id()
    {
        using var dir = new TempDirectory();
        var (exit, stdout, _) = CliProcess.Run(dir.Path, null, "status", dir.Path, "--json");
        Assert.Equal(1, exit);
        var error = JsonDocument.Parse(stdout).RootElement.GetProperty("error");
        Assert.Equal(RunErrorIds.RunNotFound, error.GetProperty("id").GetString());
        Assert.Contains("is not a run directory", error.GetProperty("message").GetString());
    }
}
