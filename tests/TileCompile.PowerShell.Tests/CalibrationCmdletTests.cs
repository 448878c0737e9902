using TileCompile.PowerShell.Tests.Support;

namespace TileCompile.PowerShell.Tests;

public class CalibrationCmdletTests : IClassFixture<SampleFrames>
{
    private readonly SampleFrames _frames;
    public CalibrationCmdletTests(SampleFrames frames) => _frames = frames;

    // Frames of the lights' size stand in for flats: what is tested is that the folder is read, combined and applied.
    private string Flats(TempDirectory dir, string name)
    {
        var flats = Path.Combine(dir.Path, name);
        Directory.CreateDirectory(flats);
        foreach (var file in Directory.GetFiles(_frames.FramesPath, "*.fit")) File.Copy(file, Path.Combine(flats, Path.GetFileName(file)));
        return flats;
    }

    [Fact]
    public void StartTileRunBuildsMastersFromTheFoldersItIsGiven()
    {
        using var dir = new TempDirectory();
        var flats = Flats(dir, "my-flats");
        using var session = new PowerShellSession();
        var run = session.Run($"Start-TileRun '{_frames.FramesPath}' -RunsRoot '{dir.Path}' -RunId cal -FlatPath '{flats}' -PassThru")[^1];
        Assert.Equal("Completed", run.Properties["Status"].Value.ToString());
        Assert.Equal("flat 10 frames", run.Properties["Calibration"].Value);
        Assert.Equal("flat 10 frames", session.Run($"Get-TileRun -RunsRoot '{dir.Path}' -Newest 1")[0].Properties["Calibration"].Value);
        var report = File.ReadAllText(Path.Combine(dir.Path, "cal", "artifacts", "calibration.json"));
        Assert.Contains("\"kind\": \"flat\"", report);
        Assert.Contains("my-flats", report);
        Assert.Contains("my-flats", File.ReadAllText(Path.Combine(dir.Path, "cal", "config.yaml")));
    }

    [Fact]
    public void A_dark_folder_that_does_not_exist_is_an_error_that_names_it()
    {
        using var dir = new TempDirectory();
        using var session = new PowerShellSession();
        var (_, errors) = session.RunAllowingErrors($"Start-TileRun '{_frames.FramesPath}' -RunsRoot '{dir.Path}' -RunId nodark -DarkPath '{Path.Combine(dir.Path, "no-such-darks")}'");
        var error = Assert.Single(errors);
        Assert.Contains("calibration.darks", error.Exception.Message);
        Assert.Contains("no-such-darks", error.Exception.Message);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "nodark")));
    }

    [Fact]
    public void NewTileMasterBuildsOnceAndARunOverTheSameFramesReusesIt()
    {
        using var dir = new TempDirectory();
        var flats = Flats(dir, "flats-L");
        using var session = new PowerShellSession();
        var master = session.Run($"New-TileMaster -Type Flat -InputPath '{flats}' -RunsRoot '{dir.Path}' -OutputPath '{Path.Combine(dir.Path, "flat.fit")}'")[0];
        Assert.Equal(10, master.Properties["FrameCount"].Value);
        Assert.False((bool)master.Properties["Reused"].Value);
        Assert.Equal(Path.Combine(dir.Path, "flat.fit"), master.Properties["Path"].Value);
        var again = session.Run($"New-TileMaster Flat '{flats}' -RunsRoot '{dir.Path}'")[0];
        Assert.True((bool)again.Properties["Reused"].Value);
        Assert.StartsWith(Path.Combine(dir.Path, "masters", "flat-"), (string)again.Properties["Path"].Value);

        // A run given the same folder takes the master from the library; one given the master file uses it as it is.
        session.Run($"Start-TileRun '{_frames.FramesPath}' -RunsRoot '{dir.Path}' -RunId fromfolder -FlatPath '{flats}'");
        Assert.Contains("\"reused\": true", File.ReadAllText(Path.Combine(dir.Path, "fromfolder", "artifacts", "calibration.json")));
        session.Run($"Start-TileRun '{_frames.FramesPath}' -RunsRoot '{dir.Path}' -RunId fromfile -FlatPath '{Path.Combine(dir.Path, "flat.fit")}'");
        Assert.Contains("\"supplied_master\": true", File.ReadAllText(Path.Combine(dir.Path, "fromfile", "artifacts", "calibration.json")));
    }

    [Fact]
    public void NewTileMasterOnAFolderThatDoesNotExistIsAnObjectNotFoundError()
    {
        using var dir = new TempDirectory();
        using var session = new PowerShellSession();
        var (_, errors) = session.RunAllowingErrors($"New-TileMaster Dark '{Path.Combine(dir.Path, "none")}' -RunsRoot '{dir.Path}'");
        var error = Assert.Single(errors);
        Assert.Equal("InputNotFound,TileCompile.NewTileMaster", error.FullyQualifiedErrorId);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "masters")));
    }
}
