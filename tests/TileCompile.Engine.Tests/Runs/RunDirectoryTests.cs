using TileCompile.Engine.Config;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.Runs;

public class RunDirectoryTests
{
    [Fact]
    public void ANewRunLaysOutItsDirectory()
    {
        using var fx = new RunFixture();
        var outcome = fx.Start();
        Assert.Equal("ok", outcome.Status);
        Assert.True(RunId.IsValid(outcome.RunId), outcome.RunId);
        var paths = new RunPaths(outcome.RunDir);
        Assert.Equal(Path.Combine(fx.RunsRoot, outcome.RunId), paths.Root);
        Assert.True(File.Exists(paths.Config));
        Assert.True(File.Exists(paths.RunJson));
        Assert.True(File.Exists(paths.Events));
        Assert.True(File.Exists(paths.Stacked));
        Assert.Equal(paths.Stacked, outcome.Output);
        for (var p = 0; p <= 10; p++) Assert.True(File.Exists(paths.Manifest(p)), $"manifest {p}");
        Assert.False(File.Exists(paths.Lock), "the lock must be released");
        Assert.Empty(Directory.GetFiles(paths.Root, "*.partial-*", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetDirectories(fx.RunsRoot, ".staging-*"));

        var frozen = TileConfig.Load(paths.Config);
        Assert.Equal(2, frozen.Get(ConfigKeys.Assumptions.FramesMin));
        var info = RunInfo.Load(paths.RunJson);
        Assert.Equal(frozen.Hash, info.ConfigHash);
        Assert.Equal(4, info.Frames.Count);
        Assert.Equal(fx.InputDir, info.InputDir);
        Assert.Equal("Completed", info.Summary.Status);
        Assert.Equal(11, info.Summary.CompletedPhases);
        var lineage = Assert.Single(info.Lineage);
        Assert.Equal(("ok", 1), (lineage.Result, lineage.Attempt));
    }

    [Fact]
    public void ManifestsRecordArtifactsHashesAndDeclaredKeys()
    {
        using var fx = new RunFixture();
        var outcome = fx.Start();
        var m = PhaseManifest.Load(new RunPaths(outcome.RunDir).Manifest(10))!;
        Assert.Equal("STACKING", m.PhaseName);
        Assert.Equal("3.0", m.Config["stacking.sigma_clip.sigma_low"]);
        Assert.Single(m.Config);
        var stacked = Assert.Single(m.Artifacts, a => a.Path == "outputs/stacked.fit");
        Assert.Equal(new FileInfo(Path.Combine(outcome.RunDir, "outputs", "stacked.fit")).Length, stacked.Size);
        Assert.Matches("^[0-9a-f]{64}$", stacked.Sha256);
        Assert.False(m.Artifacts.Single(a => a.Path.StartsWith("artifacts/")).Consumed);
        Assert.Equal(new[] { "7", "9" }, m.Upstream.Keys);
    }

    [Fact]
    public void CustomRunIdsAreUsedAndNeverReused()
    {
        using var fx = new RunFixture();
        Assert.Equal("night-1", fx.Start("night-1").RunId);
        var e = Assert.Throws<TileRunException>(() => fx.Start("night-1"));
        Assert.Equal(RunErrorIds.RunExists, e.ErrorId);
        Assert.Equal(RunErrorIds.RunExists, Assert.Throws<TileRunException>(() => fx.Start("../escape")).ErrorId);
    }

    [Fact]
    public void MissingInputIsAClearErrorAndCreatesNoRun()
    {
        using var fx = new RunFixture();
        var e = Assert.Throws<TileRunException>(() => fx.Runner.Start(new StartRequest { InputDir = fx.InputDir + "-nope", RunsRoot = fx.RunsRoot }));
        Assert.Equal(RunErrorIds.InputNotFound, e.ErrorId);
        var none = Assert.Throws<TileRunException>(() => fx.Runner.Start(new StartRequest { InputDir = fx.InputDir, RunsRoot = fx.RunsRoot, Pattern = "*.cr2" }));
        Assert.Contains("no files matching '*.cr2'", none.Message);
        Assert.False(Directory.Exists(fx.RunsRoot) && Directory.EnumerateFileSystemEntries(fx.RunsRoot).Any());
    }

    [Fact]
    public void InvalidConfigIsRefusedBeforeAnythingIsCreated()
    {
        using var fx = new RunFixture(extraConfig: "stacking:\n  method: median\n");
        var e = Assert.Throws<TileRunException>(() => fx.Start());
        Assert.Equal(RunErrorIds.ConfigInvalid, e.ErrorId);
        Assert.Contains("stacking.method", e.Message);
        Assert.False(Directory.Exists(fx.RunsRoot));
    }

    [Fact]
    public void InputsAreNeverModified()
    {
        using var fx = new RunFixture();
        var before = RunFixture.TreeHash(fx.InputDir);
        var outcome = fx.Start();
        fx.Resume(outcome.RunDir, "0");
        Assert.Equal(before, RunFixture.TreeHash(fx.InputDir));
    }
}
