using System.Management.Automation;
using TileCompile.PowerShell.Tests.Support;

namespace TileCompile.PowerShell.Tests;

public class RunCmdletTests : IClassFixture<SampleFrames>
{
    private readonly SampleFrames _frames;
    public RunCmdletTests(SampleFrames frames) => _frames = frames;

    [Fact]
    public void StartTileRunStreamsTypedEventsAndProgressAndPassesTheRunThrough()
    {
        using var dir = new TempDirectory();
        using var session = new PowerShellSession();
        session.SetLocation(dir.Path);
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = session.Runspace;
        ps.AddScript($"Start-TileRun -InputPath '{_frames.FramesPath}' -RunId r1 -PassThru");
        var output = ps.Invoke();
        Assert.Empty(ps.Streams.Error);
        Assert.Equal("TileCompile.PowerShell.TileRunStartEvent", output[0].BaseObject.GetType().FullName);
        var run = output[^1];
        Assert.Equal("TileCompile.PowerShell.TileRun", run.BaseObject.GetType().FullName);
        Assert.Equal("Completed", run.Properties["Status"].Value.ToString());
        Assert.Equal(Path.Combine(dir.Path, "runs", "r1"), run.Properties["Path"].Value);
        Assert.True(File.Exists((string)run.Properties["OutputPath"].Value));
        Assert.True((long)run.Properties["SizeOnDisk"].Value > 0);
        var ends = output.Where(o => o.BaseObject.GetType().Name == "TilePhaseEndEvent").ToList();
        Assert.Equal(11, ends.Count);
        Assert.Equal("STACKING", ends[^1].Properties["Phase"].Value.ToString());
        Assert.All(output.Take(output.Count - 1), o => Assert.Equal("r1", o.Properties["RunId"].Value));
        Assert.All(output, o => Assert.Equal(Path.Combine(dir.Path, "runs", "r1"), o.Properties["Path"].Value));
        Assert.NotEmpty(ps.Streams.Progress);
        Assert.Equal(ProgressRecordType.Completed, ps.Streams.Progress[^1].RecordType);
        Assert.Contains(ps.Streams.Progress, p => p.ParentActivityId == 1 && p.PercentComplete > 0);
    }

    [Fact]
    public void FailedRunsPipeIntoResumeTileRun()
    {
        using var dir = new TempDirectory();
        using var session = new PowerShellSession();
        var (_, errors) = session.RunAllowingErrors($"Start-TileRun '{_frames.FramesPath}' -RunsRoot '{dir.Path}' -ConfigPath '{_frames.BadConfig}' -RunId broken");
        var error = Assert.Single(errors);
        Assert.Equal("PhaseFailed,TileCompile.StartTileRun", error.FullyQualifiedErrorId);
        Assert.Contains("Resume-TileRun", error.Exception.Message);
        var failed = session.Run($"Get-TileRun -RunsRoot '{dir.Path}' | Where-Object Status -eq Failed");
        Assert.Equal("REGISTRATION", Assert.Single(failed).Properties["Phase"].Value.ToString());

        var config = Path.Combine(dir.Path, "broken", "config.yaml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("reference_frame: 'missing.fit'", "reference_frame: ''"));
        var output = session.Run($"Get-TileRun -RunsRoot '{dir.Path}' | Where-Object Status -eq Failed | Resume-TileRun -PassThru");
        Assert.Equal("TileRunResumeEvent", output[0].BaseObject.GetType().Name);
        Assert.Equal("Completed", output[^1].Properties["Status"].Value.ToString());
        Assert.Equal(1, output[^1].Properties["ResumeCount"].Value);
        Assert.Equal("ok", session.Run($"Get-TileRun -RunsRoot '{dir.Path}' -Newest 1 | Get-TileRunEvent -Type run_end | ForEach-Object Status")[^1].BaseObject);
    }

    private string CompletedRun(PowerShellSession session, string root, string id)
    {
        session.Run($"Start-TileRun '{_frames.FramesPath}' -RunsRoot '{root}' -RunId {id}");
        return Path.Combine(root, id);
    }

    [Fact]
    public void EventsBindByPropertyNameAndFilterByTypeAndPhase()
    {
        using var dir = new TempDirectory();
        using var session = new PowerShellSession();
        CompletedRun(session, dir.Path, "ev");
        var ends = session.Run($"Get-TileRun -RunsRoot '{dir.Path}' -Newest 1 | Get-TileRunEvent -Type phase_end");
        Assert.Equal(11, ends.Count);
        Assert.All(ends, e => Assert.Equal("TilePhaseEndEvent", e.BaseObject.GetType().Name));
        var stacking = session.Run($"Get-TileRunEvent -RunId ev -RunsRoot '{dir.Path}' -Phase STACKING -Type phase_end");
        Assert.Equal("ok", Assert.Single(stacking).Properties["Status"].Value);
        var warnings = session.Run($"Get-TileRun -RunsRoot '{dir.Path}' | Get-TileRunEvent -Type warning");
        Assert.All(warnings, w => Assert.Equal("TileWarningEvent", w.BaseObject.GetType().Name));
    }

    [Theory]
    [InlineData("10")]
    [InlineData("stacking")]
    [InlineData("STACKING")]
    public void FromPhaseTakesNumbersAndNames(string phase)
    {
        using var dir = new TempDirectory();
        using var session = new PowerShellSession();
        var run = CompletedRun(session, dir.Path, "fp");
        var output = session.Run($"Resume-TileRun -Path '{run}' -FromPhase {phase}");
        var ran = output.Where(o => o.BaseObject.GetType().Name == "TilePhaseEndEvent" && (string)o.Properties["Status"].Value == "ok").ToList();
        Assert.Equal("STACKING", Assert.Single(ran).Properties["Phase"].Value.ToString());
    }

    [Fact]
    public void AnInvalidPhaseIsRejectedListingTheNames()
    {
        using var dir = new TempDirectory();
        using var session = new PowerShellSession();
        var run = CompletedRun(session, dir.Path, "bad");
        var before = SampleFrames.TreeHash(run);
        var error = session.RunExpectingFailure($"Resume-TileRun -Path '{run}' -FromPhase 42");
        Assert.StartsWith("CannotConvertArgumentNoMessage", error.FullyQualifiedErrorId.Replace("ParameterArgumentTransformationError", "CannotConvertArgumentNoMessage"));
        Assert.Contains("STACKING", error.Exception.Message + error.Exception.InnerException?.Message);
        Assert.Equal(before, SampleFrames.TreeHash(run));
    }

    [Fact]
    public void WhatIfShowsThePlanAndChangesNothing()
    {
        using var dir = new TempDirectory();
        var host = new CapturingHost();
        using var session = new PowerShellSession(host: host);
        var run = CompletedRun(session, dir.Path, "wi");
        var before = SampleFrames.TreeHash(run);
        session.Run($"Resume-TileRun -Path '{run}' -FromPhase STACKING -WhatIf");
        Assert.Equal(before, SampleFrames.TreeHash(run));
        Assert.Contains("What if:", host.Text);
        Assert.Contains("resume_from_phase", host.Text);
        Assert.Matches(@"10 STACKING\s+run\s+requested", host.Text);
    }

    [Fact]
    public void ErrorsCarryStableIdsCategoriesAndTargets()
    {
        using var dir = new TempDirectory();
        using var session = new PowerShellSession();
        var run = CompletedRun(session, dir.Path, "err");

        var (_, completed) = session.RunAllowingErrors($"Resume-TileRun -Path '{run}'");
        var e1 = Assert.Single(completed);
        Assert.Equal("AlreadyCompleted,TileCompile.ResumeTileRun", e1.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, e1.CategoryInfo.Category);
        Assert.Equal(run, e1.TargetObject);

        var (_, missing) = session.RunAllowingErrors($"Resume-TileRun -Path '{run}-nope'");
        Assert.Equal("RunNotFound,TileCompile.ResumeTileRun", Assert.Single(missing).FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, missing[0].CategoryInfo.Category);

        SampleFrames.HoldLock(run);
        var (_, busy) = session.RunAllowingErrors($"Resume-TileRun -Path '{run}' -FromPhase 10");
        var e3 = Assert.Single(busy);
        Assert.Equal("RunBusy,TileCompile.ResumeTileRun", e3.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceBusy, e3.CategoryInfo.Category);
        Assert.Contains($"pid {Environment.ProcessId}", e3.Exception.Message);
        Assert.Equal("Running", session.Run($"Get-TileRun -Path '{run}'")[0].Properties["Status"].Value.ToString());

        var (_, removeBusy) = session.RunAllowingErrors($"Remove-TileRun -Path '{run}' -Confirm:$false");
        Assert.Equal("RunBusy,TileCompile.RemoveTileRun", Assert.Single(removeBusy).FullyQualifiedErrorId);
        Assert.True(Directory.Exists(run));
        File.Delete(Path.Combine(run, "run.lock"));
    }

    [Fact]
    public void RemoveTileRunPrunesOrDeletesAndHonoursWhatIf()
    {
        using var dir = new TempDirectory();
        using var session = new PowerShellSession();
        var run = CompletedRun(session, dir.Path, "rm");
        var before = SampleFrames.TreeHash(run);
        session.Run($"Get-TileRun -RunsRoot '{dir.Path}' | Remove-TileRun -WhatIf");
        Assert.Equal(before, SampleFrames.TreeHash(run));

        var sizeBefore = (long)session.Run($"Get-TileRun -Path '{run}'")[0].Properties["SizeOnDisk"].Value;
        session.Run($"Get-TileRun -RunsRoot '{dir.Path}' | Remove-TileRun -IntermediatesOnly -Confirm:$false");
        Assert.False(Directory.Exists(Path.Combine(run, "work")));
        Assert.False(Directory.Exists(Path.Combine(run, "outputs", "registered")));
        Assert.True(File.Exists(Path.Combine(run, "outputs", "stacked.fit")));
        Assert.True((long)session.Run($"Get-TileRun -Path '{run}'")[0].Properties["SizeOnDisk"].Value < sizeBefore / 2);

        var (_, refused) = session.RunAllowingErrors($"Resume-TileRun -Path '{run}' -FromPhase STACKING");
        Assert.Contains("pruned", Assert.Single(refused).Exception.Message);

        session.Run($"Remove-TileRun -Status Completed -RunsRoot '{dir.Path}' -Confirm:$false");
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void CtrlCCancelsCleanlyAndTheRunResumes()
    {
        using var dir = new TempDirectory();
        var host = new CapturingHost();
        using var session = new PowerShellSession(host: host);
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = session.Runspace;
        ps.AddScript($"Start-TileRun '{_frames.FramesPath}' -RunsRoot '{dir.Path}' -RunId cc");
        var output = new PSDataCollection<PSObject>();
        using var firstPhase = new ManualResetEventSlim();
        output.DataAdded += (_, _) => firstPhase.Set();
        var handle = ps.BeginInvoke<PSObject, PSObject>(null, output);
        Assert.True(firstPhase.Wait(TimeSpan.FromSeconds(60)));
        ps.Stop();
        try { ps.EndInvoke(handle); } catch (PipelineStoppedException) { }
        var run = Path.Combine(dir.Path, "cc");
        var status = session.Run($"Get-TileRun -Path '{run}'")[0].Properties["Status"].Value.ToString();
        Assert.True(status is "Cancelled" or "Completed", status);
        Assert.False(File.Exists(Path.Combine(run, "run.lock")));
        if (status == "Cancelled")
        {
            // The console says what happened and what to type next.
            Assert.Contains($"Run cc was cancelled; resume it with: Resume-TileRun -LiteralPath '{run}'", host.Text);
            var resumed = session.Run($"Resume-TileRun -Path '{run}' -PassThru");
            Assert.Equal("Completed", resumed[^1].Properties["Status"].Value.ToString());
        }
    }

    [Fact]
    public void TabCompletionOffersPhaseNamesAndRunIds()
    {
        using var dir = new TempDirectory();
        using var session = new PowerShellSession();
        CompletedRun(session, Path.Combine(dir.Path, "runs"), "night-42");
        session.SetLocation(dir.Path);
        var phases = session.Run("(TabExpansion2 -inputScript 'Resume-TileRun -FromPhase STA' -cursorColumn 29).CompletionMatches.CompletionText");
        Assert.Contains("STACKING", phases.Select(p => p.ToString()));
        Assert.Contains("STATE_CLUSTERING", phases.Select(p => p.ToString()));
        var ids = session.Run("(TabExpansion2 -inputScript 'Resume-TileRun -RunId ni' -cursorColumn 24).CompletionMatches.CompletionText");
        Assert.Contains("night-42", ids.Select(p => p.ToString()));
    }

    [Fact]
    public void TableViewsShowRunsAndEvents()
    {
        using var dir = new TempDirectory();
        var host = new CapturingHost();
        using var session = new PowerShellSession(host: host);
        CompletedRun(session, dir.Path, "view");
        session.Run($"Get-TileRun -RunsRoot '{dir.Path}' | Out-Default");
        Assert.Matches(@"Id\s+Status\s+Phase\s+Frames\s+Started\s+Duration", host.Text);
        Assert.Matches(@"view\s+Completed\s+10 STACKING\s+10", host.Text);
        session.Run($"Get-TileRunEvent -Path '{Path.Combine(dir.Path, "view")}' -Type run_end | Out-Default");
        Assert.Matches(@"Time\s+Type\s+Phase\s+Status\s+Message", host.Text);
        Assert.Contains("run_end", host.Text);
    }

    [Fact]
    public void PathTakesWildcardsAndLiteralPathTakesNames()
    {
        using var dir = new TempDirectory();
        using var session = new PowerShellSession();
        CompletedRun(session, dir.Path, "alpha-1");
        CompletedRun(session, dir.Path, "alpha-2");
        var both = session.Run($"Get-TileRun -Path '{Path.Combine(dir.Path, "alpha-*")}'");
        Assert.Equal(new[] { "alpha-1", "alpha-2" }, both.Select(r => (string)r.Properties["RunId"].Value).OrderBy(x => x));
        var one = session.Run($"Get-TileRun -LiteralPath '{Path.Combine(dir.Path, "alpha-2")}'");
        Assert.Equal("alpha-2", Assert.Single(one).Properties["RunId"].Value);
        var (_, errors) = session.RunAllowingErrors($"Get-TileRun -Path '{Path.Combine(dir.Path, "beta-*")}'");
        Assert.Equal("RunNotFound,TileCompile.GetTileRun", Assert.Single(errors).FullyQualifiedErrorId);
        var events = session.Run($"Get-TileRunEvent -Path '{Path.Combine(dir.Path, "alpha-*")}' -Type run_end");
        Assert.Equal(2, events.Count);
    }

    [Fact]
    public async Task RunsInTwoRunspacesOnOtherThreadsDoNotInterfere()
    {
        // What Start-ThreadJob does: each job is a runspace on its own thread, sharing the loaded module.
        using var dir = new TempDirectory();
        var tasks = Enumerable.Range(1, 2).Select(i => Task.Run(() =>
        {
            using var session = new PowerShellSession();
            return session.Run($"Start-TileRun '{_frames.FramesPath}' -RunsRoot '{dir.Path}' -RunId job{i} -PassThru")[^1];
        })).ToArray();
        var runs = await Task.WhenAll(tasks);
        Assert.All(runs, r => Assert.Equal("Completed", r.Properties["Status"].Value.ToString()));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir.Path, "job1", "outputs", "stacked.fit")).Length,
            File.ReadAllBytes(Path.Combine(dir.Path, "job2", "outputs", "stacked.fit")).Length);
    }
}
