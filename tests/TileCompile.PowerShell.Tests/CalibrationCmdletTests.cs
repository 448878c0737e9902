using TileCompile.PowerShell.Tests.Support;

namespace TileCompile.PowerShell.Tests;

public class CalibrationCmdletTests : IClassFixture<SampleFrames>
{
    private readonly SampleFrames _frames;
    public CalibrationCmdletTests(SampleFrames frames) => _frames = frames;

    [Fact]
    public void StartTileRunBuildsMastersFromTheFoldersItIsGiven()
    {
        using var dir = new TempDirectory();
        // Frames of the lights' size stand in for flats: what is tested is that the folder is read, combined and applied.
        var flats = Path.Combine(dir.Path, "my-flats");
        Directory.CreateDirectory(flats);
        foreach (var file in Directory.GetFiles(_frames.FramesPath, "*.fit")) File.Copy(file, Path.Combine(flats, Path.GetFileName(file)));
        using var session = new PowerShellSession();
        var run = session.Run($"Start-TileRun '{_frames.FramesPath}' -RunsRoot '{dir.Path}' -RunId cal -FlatPath '{flats}' -PassThru")[^1];
        Assert.Equal("Completed", run.Properties["Status"].Value.ToString());
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
}
