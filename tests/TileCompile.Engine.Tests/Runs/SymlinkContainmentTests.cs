using TileCompile.Engine.Runs;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Runs;

/// <summary>Links a user puts into a run directory never let a run, resume, size sum or prune reach outside it.</summary>
public class SymlinkContainmentTests
{
    private static (TempDirectory Outside, string Victim) OutsideFolder()
    {
        var outside = new TempDirectory();
        var victim = Path.Combine(outside.Path, "thesis.partial-final.docx");
        File.WriteAllText(victim, "not the run's");
        File.WriteAllBytes(Path.Combine(outside.Path, "big.bin"), new byte[1 << 20]);
        return (outside, victim);
    }

    [Fact]
    public void AResumeSweepsPartialFilesOnlyInsideTheRun()
    {
        using var fx = new RunFixture();
        var run = fx.Start();
        var (outside, victim) = OutsideFolder();
        using var _ = outside;
        Directory.CreateSymbolicLink(Path.Combine(run.RunDir, "artifacts", "l"), outside.Path);
        File.WriteAllText(Path.Combine(run.RunDir, "artifacts", "own.partial-x"), "debris");

        fx.NewProcess();
        Assert.Equal("ok", fx.Resume(run.RunDir, "10").Status);
        Assert.True(File.Exists(victim), "a file behind a link was deleted");
        Assert.False(File.Exists(Path.Combine(run.RunDir, "artifacts", "own.partial-x")));
    }

    [Fact]
    public async Task SizesCountNeitherLinkedFoldersNorLoops()
    {
        using var fx = new RunFixture();
        var run = fx.Start();
        var real = RunMaintenance.SizeOnDisk(run.RunDir);
        var (outside, _) = OutsideFolder();
        using var __ = outside;
        var work = Path.Combine(run.RunDir, "work");
        Directory.CreateDirectory(work);
        Directory.CreateSymbolicLink(Path.Combine(work, "up1"), "..");
        Directory.CreateSymbolicLink(Path.Combine(work, "up2"), "..");
        Directory.CreateSymbolicLink(Path.Combine(run.RunDir, "outside"), outside.Path);

        // A walk that follows the loops never ends; the timeouts make that a failure instead of a hang.
        Assert.Equal(real, await Task.Run(() => RunMaintenance.SizeOnDisk(run.RunDir)).WaitAsync(TimeSpan.FromSeconds(10)));
        await Task.Run(() => RunMaintenance.IntermediateBytes(run.RunDir)).WaitAsync(TimeSpan.FromSeconds(10));
        fx.NewProcess();
        var resumed = await Task.Run(() => fx.Resume(run.RunDir, "10")).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("ok", resumed.Status);
    }

    [Fact]
    public void PruningAndDeletingRemoveLinksButNotWhatTheyPointTo()
    {
        using var fx = new RunFixture();
        var run = fx.Start();
        var (outside, victim) = OutsideFolder();
        using var _ = outside;
        var work = Path.Combine(run.RunDir, "work");
        Directory.CreateDirectory(work);
        Directory.CreateSymbolicLink(Path.Combine(work, "linked"), outside.Path);
        File.CreateSymbolicLink(Path.Combine(work, "linked-file"), victim);

        RunMaintenance.PruneIntermediates(run.RunDir);
        Assert.False(Directory.Exists(work));
        Assert.True(File.Exists(victim));
        Assert.True(File.Exists(Path.Combine(outside.Path, "big.bin")));

        Directory.CreateSymbolicLink(Path.Combine(run.RunDir, "outputs", "linked"), outside.Path);
        RunMaintenance.Delete(run.RunDir);
        Assert.False(Directory.Exists(run.RunDir));
        Assert.True(File.Exists(victim));
        Assert.Equal(2, Directory.GetFiles(outside.Path).Length);
    }
}
