using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

/// <summary>The classic stack's validation figures, kept between attempts of STACKING and measured again when they cannot be trusted.</summary>
public class ValidationMemoTests
{
    private static string Validation(string runDir) =>
        string.Join('\n', File.ReadAllLines(Path.Combine(runDir, "artifacts", "validation.json")).Where(l => !l.Contains("duration", StringComparison.Ordinal)));

    [Fact]
    public void A_resume_from_STACKING_reuses_the_memo_and_a_damaged_or_missing_memo_gives_the_same_figures()
    {
        using var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "in");
        SampleSkyGenerator.Generate(new SampleSkyOptions { Width = 256, Height = 192, Frames = 10, Seed = 81 }, input);
        var config = Path.Combine(dir.Path, "config.yaml");
        File.WriteAllText(config, "assumptions:\n  frames_min: 5\n  frames_reduced_threshold: 100\n");
        var runner = StandardPhases.Runner();
        var first = runner.Start(new StartRequest { InputDir = input, ConfigPath = config, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "r" });
        Assert.True(first.Status == "ok", first.Error);
        var expected = Validation(first.RunDir);
        var memo = Path.Combine(first.RunDir, "artifacts", "classic_measures.json");
        var written = File.ReadAllText(memo);
        Assert.Contains("\"key\"", written);

        foreach (var damage in new Action[] { () => { }, () => File.WriteAllText(memo, "{ not json"), () => File.Delete(memo), () => File.WriteAllText(memo, written.Replace("\"key\": \"", "\"key\": \"x")) })
        {
            damage();
            var again = runner.Resume(new ResumeRequest { RunDir = first.RunDir, FromPhase = "STACKING" });
            Assert.True(again.Status == "ok", again.Error);
            Assert.Equal(expected, Validation(first.RunDir));
            Assert.Equal(written, File.ReadAllText(memo));
        }
    }
}
