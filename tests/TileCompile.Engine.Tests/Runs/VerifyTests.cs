using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.Runs;

/// <summary>Same-size damage to a finished run is found by re-hashing, and a plain resume repairs it.</summary>
public class VerifyTests
{
    private static string Damage(string runDir, PhaseId phase, int artifact = 0)
    {
        var m = PhaseManifest.Load(new RunPaths(runDir).Manifest((int)phase))!;
        var path = new RunPaths(runDir).Resolve(m.Artifacts[artifact].Path);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
        return m.Artifacts[artifact].Path;
    }

    [Fact]
    public void AnIntactRunVerifiesClean()
    {
        using var fx = new RunFixture();
        var run = fx.Start();
        var report = RunVerifier.Verify(run.RunDir);
        Assert.True(report.IsIntact);
        Assert.Null(report.FirstDamaged);
        Assert.All(report.Phases, p => Assert.Contains(p.Status, new[] { "ok", "skipped" }));
    }

    [Theory]
    [InlineData(PhaseId.Normalization)]
    [InlineData(PhaseId.Stacking)]
    public void SameSizeDamageIsFoundAndAPlainResumeRunsThatPhaseAgain(PhaseId phase)
    {
        using var fx = new RunFixture();
        var run = fx.Start();
        var damaged = Damage(run.RunDir, phase);

        // The quick status path does not hash: it still says Completed.
        Assert.Equal(RunStatusKind.Completed, RunStatusReader.Read(run.RunDir).Status);
        var report = RunVerifier.Verify(run.RunDir);
        Assert.False(report.IsIntact);
        Assert.Equal(phase, report.FirstDamaged);
        var problem = Assert.Single(report.Phases.Single(p => p.Phase == phase).Problems);
        Assert.Equal(damaged, problem.Path);
        Assert.Equal("content", problem.Kind);

        fx.NewProcess();
        var resumed = fx.Resume(run.RunDir);
        Assert.Equal("ok", resumed.Status);
        var ran = RunFixture.Log(run.RunDir).Where(e => e.Attempt == 2 && e.Type == "phase_end" && e.Status == "ok").Select(e => (PhaseId)e.Phase!.Value).ToList();
        Assert.Equal(phase, ran[0]);
        Assert.True(RunVerifier.Verify(run.RunDir).IsIntact);
    }

    [Fact]
    public void AnUndamagedFinishedRunIsStillAlreadyCompleted()
    {
        using var fx = new RunFixture();
        var run = fx.Start();
        fx.NewProcess();
        var e = Assert.Throws<TileRunException>(() => fx.Resume(run.RunDir));
        Assert.Equal(RunErrorIds.AlreadyCompleted, e.ErrorId);
    }
}
