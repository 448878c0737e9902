using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.Runs;

public class FrameRecordTests
{
    [Fact]
    public void AResumeRedoesOnlyTheFramesThatWereNotFinished()
    {
        using var fx = new RunFixture(frames: 6);
        fx.Phase(PhaseId.Registration).FailAfterFrames = 4;
        var failed = fx.Start();
        Assert.Equal("error", failed.Status);
        Assert.Equal(new[] { 0, 1, 2, 3 }, fx.Phase(PhaseId.Registration).FramesDone);

        fx.NewProcess();
        var resumed = fx.Resume(failed.RunDir);
        Assert.Equal("ok", resumed.Status);
        Assert.Equal(new[] { 4, 5 }, fx.Phase(PhaseId.Registration).FramesDone);

        using var clean = new RunFixture(frames: 6);
        var reference = clean.Start();
        for (var i = 0; i < 6; i++)
            Assert.Equal(File.ReadAllText(Path.Combine(reference.RunDir, "work", "p1", $"frame_{i:D3}.txt")).Replace(clean.InputDir, ""),
                File.ReadAllText(Path.Combine(resumed.RunDir, "work", "p1", $"frame_{i:D3}.txt")).Replace(fx.InputDir, ""));
    }

    [Fact]
    public void AnExplicitResumeRedoesEveryFrame()
    {
        using var fx = new RunFixture(frames: 3);
        var first = fx.Start();
        fx.NewProcess();
        fx.Resume(first.RunDir, "REGISTRATION");
        Assert.Equal(new[] { 0, 1, 2 }, fx.Phase(PhaseId.Registration).FramesDone);
    }
}
