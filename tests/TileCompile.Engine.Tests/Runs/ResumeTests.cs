using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.Runs;

public class ResumeTests
{
    private static List<RunEvent> AttemptEvents(string runDir, int attempt) =>
        RunFixture.Log(runDir).Where(e => e.Attempt == attempt).ToList();

    [Fact]
    public void ResumeFromStackingSkipsEarlierPhasesAsTheSpecSays()
    {
        using var fx = new RunFixture();
        var first = fx.Start();
        var stacked = File.ReadAllBytes(first.Output!);
        fx.NewProcess();
        var second = fx.Resume(first.RunDir, "10");
        Assert.Equal("ok", second.Status);
        Assert.Equal(2, second.Attempt);
        Assert.Equal(stacked, File.ReadAllBytes(second.Output!));
        Assert.Equal(1, fx.Phase(PhaseId.Stacking).Runs);
        Assert.All(fx.Phases.Take(10), p => Assert.Equal(0, p.Runs));

        var events = AttemptEvents(first.RunDir, 2);
        var resume = events[0];
        Assert.Equal("run_resume", resume.Type);
        Assert.Equal(10, resume.Number("from_phase"));
        Assert.Equal("explicit", resume.String("mode"));
        Assert.Equal("completed", resume.String("previous_status"));
        for (var p = 0; p < 10; p++)
        {
            var start = events.Single(e => e.Type == "phase_start" && e.Phase == p);
            var end = events.Single(e => e.Type == "phase_end" && e.Phase == p);
            Assert.True(start.Sequence < end.Sequence);
            Assert.Equal("skipped", end.Status);
            Assert.Equal("resume_from_phase", end.String("reason"));
            Assert.Equal(10, end.Number("resume_from"));
        }
        Assert.Equal("ok", events.Single(e => e.Type == "phase_end" && e.Phase == 10).Status);
        var seqs = RunFixture.Log(first.RunDir).Select(e => e.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
    }

    [Theory]
    [InlineData("stacking")]
    [InlineData("STACKING")]
    [InlineData("10")]
    public void PhasesAreNamedOrNumbered(string phase)
    {
        using var fx = new RunFixture();
        var first = fx.Start();
        fx.NewProcess();
        Assert.Equal("ok", fx.Resume(first.RunDir, phase).Status);
        Assert.Equal(1, fx.Phase(PhaseId.Stacking).Runs);
        Assert.Equal(0, fx.Phase(PhaseId.SyntheticFrames).Runs);
    }

    [Fact]
    public void InvalidPhaseListsTheAcceptedValuesAndChangesNothing()
    {
        using var fx = new RunFixture();
        var first = fx.Start();
        var before = RunFixture.TreeHash(first.RunDir);
        var e = Assert.Throws<TileRunException>(() => fx.Resume(first.RunDir, "42"));
        Assert.Equal(RunErrorIds.InvalidPhase, e.ErrorId);
        Assert.Contains("SCAN_INPUT", e.Message);
        Assert.Contains("STACKING", e.Message);
        Assert.Equal(before, RunFixture.TreeHash(first.RunDir));
    }

    [Fact]
    public void CompletedRunAnswersAlreadyCompleted()
    {
        using var fx = new RunFixture();
        var first = fx.Start();
        var before = RunFixture.TreeHash(first.RunDir);
        var e = Assert.Throws<TileRunException>(() => fx.Resume(first.RunDir));
        Assert.Equal(RunErrorIds.AlreadyCompleted, e.ErrorId);
        Assert.Contains("already completed", e.Message);
        Assert.Equal(before, RunFixture.TreeHash(first.RunDir));
    }

    [Fact]
    public void EditingAStackingKeyReRunsOnlyStacking()
    {
        using var fx = new RunFixture();
        var first = fx.Start();
        var original = File.ReadAllBytes(first.Output!);
        var config = Path.Combine(first.RunDir, "config.yaml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("sigma_low: 3.0", "sigma_low: 2.5"));

        fx.NewProcess();
        var plan = fx.Runner.PlanResume(new ResumeRequest { RunDir = first.RunDir });
        var stack = plan.Phases.Single(p => p.Phase == PhaseId.Stacking);
        Assert.Equal(("config_changed", "stacking.sigma_clip.sigma_low 3.0→2.5"), (stack.Reason, stack.Detail));
        Assert.All(plan.Phases.Take(10), p => Assert.Equal(("up_to_date", PhaseAction.Skip), (p.Reason, p.Action)));

        var second = fx.Resume(first.RunDir);
        Assert.Equal("ok", second.Status);
        Assert.Equal(1, fx.Phase(PhaseId.Stacking).Runs);
        Assert.All(fx.Phases.Take(10), p => Assert.Equal(0, p.Runs));
        Assert.NotEqual(original, File.ReadAllBytes(second.Output!));
        var resume = AttemptEvents(first.RunDir, 2)[0];
        Assert.Equal("auto", resume.String("mode"));
    }

    [Fact]
    public void UnchangedUpstreamOutputStopsTheCascade()
    {
        using var fx = new RunFixture();
        fx.Phase(PhaseId.GlobalMetrics).OutputIgnoresConfig = true;
        var first = fx.Start();
        var config = Path.Combine(first.RunDir, "config.yaml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("adaptive_weights: false", "adaptive_weights: true"));
        fx.NewProcess();
        fx.Phase(PhaseId.GlobalMetrics).OutputIgnoresConfig = true;
        Assert.Equal("ok", fx.Resume(first.RunDir).Status);
        Assert.Equal(1, fx.Phase(PhaseId.GlobalMetrics).Runs);
        Assert.All(fx.Phases.Skip(5), p => Assert.Equal(0, p.Runs));
        var skipped = AttemptEvents(first.RunDir, 2).Where(e => e.Type == "phase_end" && e.Phase > 4).ToList();
        Assert.All(skipped, e => Assert.Equal("upstream_unchanged", e.String("reason")));
    }

    [Fact]
    public void CorruptArtifactOfAnEarlierPhaseRefusesALaterResumeNamingIt()
    {
        using var fx = new RunFixture();
        var first = fx.Start();
        var artifact = Path.Combine(first.RunDir, "work", "phase03.txt");
        File.WriteAllText(artifact, "damaged");
        var before = RunFixture.TreeHash(first.RunDir);
        var e = Assert.Throws<TileRunException>(() => fx.Resume(first.RunDir, "10"));
        Assert.Equal(RunErrorIds.ArtifactsMissing, e.ErrorId);
        Assert.Contains("work/phase03.txt", e.Message);
        Assert.Contains("phase 3 NORMALIZATION", e.Message);
        Assert.Contains("resume from phase 3", e.Message);
        Assert.Equal(before, RunFixture.TreeHash(first.RunDir));

        fx.NewProcess();
        var auto = fx.Runner.PlanResume(new ResumeRequest { RunDir = first.RunDir });
        Assert.Equal(PhaseId.Normalization, auto.FirstToRun);
    }

    [Fact]
    public void SameSizeCorruptionOfADirectInputIsCaughtByItsHash()
    {
        using var fx = new RunFixture();
        var first = fx.Start();
        var artifact = Path.Combine(first.RunDir, "work", "phase09.txt");
        var bytes = File.ReadAllBytes(artifact);
        bytes[0] ^= 0x20;
        File.WriteAllBytes(artifact, bytes);
        var e = Assert.Throws<TileRunException>(() => fx.Resume(first.RunDir, "STACKING"));
        Assert.Contains("hash_mismatch", e.Message);
        Assert.Contains("phase 9 SYNTHETIC_FRAMES", e.Message);
    }

    [Fact]
    public void AFailedRunResumesAtTheFailedPhaseAndEndsIdentical()
    {
        using var reference = new RunFixture();
        var clean = reference.Start();
        var expected = File.ReadAllBytes(clean.Output!);

        using var fx = new RunFixture();
        fx.Phase(PhaseId.TileGrid).Before = _ => throw new InvalidDataException("seeing could not be measured");
        var failed = fx.Start();
        Assert.Equal("error", failed.Status);
        var snapshot = RunStatusReader.Read(failed.RunDir);
        Assert.Equal(RunStatusKind.Failed, snapshot.Status);
        Assert.Equal(5, snapshot.Phase);
        Assert.Equal("TILE_GRID", snapshot.PhaseName);
        Assert.Contains("seeing could not be measured", snapshot.Error);
        Assert.True(snapshot.IsResumable);
        var end = RunFixture.Log(failed.RunDir).Single(e => e.Type == "phase_end" && e.Status == "error");
        Assert.Equal("InvalidDataException", (string?)end.Fields["error"]!["type"]);

        fx.NewProcess();
        var resumed = fx.Resume(failed.RunDir);
        Assert.Equal("ok", resumed.Status);
        Assert.All(fx.Phases.Take(5), p => Assert.Equal(0, p.Runs));
        Assert.Equal(expected.Length, File.ReadAllBytes(resumed.Output!).Length);
        Assert.Equal(File.ReadAllText(Path.Combine(clean.RunDir, "work", "phase09.txt")).Replace(clean.RunDir, ""),
            File.ReadAllText(Path.Combine(failed.RunDir, "work", "phase09.txt")).Replace(failed.RunDir, ""));
        var info = RunInfo.Load(Path.Combine(failed.RunDir, "run.json"));
        Assert.Equal(2, info.Lineage.Count);
        Assert.Equal(("error", "ok"), (info.Lineage[0].Result, info.Lineage[1].Result));
        Assert.Equal(1, info.Lineage[1].ParentAttempt);
        Assert.Equal(5, info.Lineage[1].FromPhase);
        Assert.Equal("Failed", info.Lineage[1].PreviousStatus);
    }

    [Fact]
    public void ForceStartsAgainFromPhaseZero()
    {
        using var fx = new RunFixture();
        var first = fx.Start();
        fx.NewProcess();
        Assert.Equal("ok", fx.Resume(first.RunDir, force: true).Status);
        Assert.All(fx.Phases, p => Assert.Equal(1, p.Runs));
        Assert.Equal(4, fx.Phase(PhaseId.Registration).FramesDone.Count);
    }

    [Fact]
    public void MissingRunAndConfigAreClearErrors()
    {
        using var fx = new RunFixture();
        var first = fx.Start();
        var e = Assert.Throws<TileRunException>(() => fx.Resume(Path.Combine(fx.RunsRoot, "20990101_000000_deadbeef")));
        Assert.Equal(RunErrorIds.RunNotFound, e.ErrorId);
        Assert.Contains(first.RunId, e.Message);

        File.Delete(Path.Combine(first.RunDir, "config.yaml"));
        var before = RunFixture.TreeHash(first.RunDir);
        var c = Assert.Throws<TileRunException>(() => fx.Resume(first.RunDir, "10"));
        Assert.Equal(RunErrorIds.ConfigMissing, c.ErrorId);
        Assert.Equal(before, RunFixture.TreeHash(first.RunDir));
    }

    [Fact]
    public void InvalidEditedConfigNamesLineAndKey()
    {
        using var fx = new RunFixture();
        var first = fx.Start();
        var config = Path.Combine(first.RunDir, "config.yaml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("sigma_low: 3.0", "sigma_low: -4"));
        var e = Assert.Throws<TileRunException>(() => fx.Resume(first.RunDir));
        Assert.Equal(RunErrorIds.ConfigInvalid, e.ErrorId);
        Assert.Contains("stacking.sigma_clip.sigma_low", e.Message);
        Assert.Matches(@"config\.yaml:\d+:\d+", e.Message);
    }

    [Fact]
    public void ChangedInputFramesAreRefusedWhenAPhaseReadsThem()
    {
        using var fx = new RunFixture();
        var first = fx.Start();
        File.SetLastWriteTimeUtc(Path.Combine(fx.InputDir, "light_2.fit"), DateTime.UtcNow.AddHours(1));
        var e = Assert.Throws<TileRunException>(() => fx.Resume(first.RunDir, "1"));
        Assert.Equal(RunErrorIds.InputChanged, e.ErrorId);
        Assert.Contains("light_2.fit", e.Message);
        Assert.Equal("ok", fx.Resume(first.RunDir, "2").Status);
    }

    [Fact]
    public void DryRunPlanWritesNothing()
    {
        using var fx = new RunFixture();
        var first = fx.Start();
        var before = RunFixture.TreeHash(first.RunDir);
        var plan = fx.Runner.PlanResume(new ResumeRequest { RunDir = first.RunDir, FromPhase = "7" });
        Assert.Equal(PhaseId.TileReconstruction, plan.FirstToRun);
        Assert.Equal(7, plan.Phases.Count(p => p.Action == PhaseAction.Skip));
        Assert.All(plan.Phases, p => Assert.NotNull(p.LastDurationSeconds));
        Assert.Equal(before, RunFixture.TreeHash(first.RunDir));
    }

    [Fact]
    public void AutoResumeOfTheSameInputAndConfigContinuesTheFailedRun()
    {
        using var fx = new RunFixture();
        fx.Phase(PhaseId.LocalMetrics).Before = _ => throw new InvalidOperationException("boom");
        var failed = fx.Start();
        fx.NewProcess();
        var again = fx.Runner.Start(new StartRequest { InputDir = fx.InputDir, ConfigPath = fx.ConfigPath, RunsRoot = fx.RunsRoot, ResumeIfPossible = true });
        Assert.True(again.Resumed);
        Assert.Equal(failed.RunDir, again.RunDir);
        Assert.Equal("ok", again.Status);
        fx.NewProcess();
        var fresh = fx.Runner.Start(new StartRequest { InputDir = fx.InputDir, ConfigPath = fx.ConfigPath, RunsRoot = fx.RunsRoot, ResumeIfPossible = true, ForceNew = true });
        Assert.NotEqual(failed.RunDir, fresh.RunDir);
    }
}
