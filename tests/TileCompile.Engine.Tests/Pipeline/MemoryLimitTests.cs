using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Samples;
using TileCompile.Engine.Tests.Support;

namespace TileCompile.Engine.Tests.Pipeline;

/// <summary>Frames too large for the memory limit are refused before anything is allocated; large ones get fewer workers.</summary>
public class MemoryLimitTests
{
    // A float frame whose data is a hole in the file system: the header is real, the gigabytes are never written.
    private static void SparseFrame(string path, int width, int height)
    {
        var header = RawFits.Header("SIMPLE  =                    T", "BITPIX  =                  -32", "NAXIS   =                    2",
            $"NAXIS1  = {width,20}", $"NAXIS2  = {height,20}", "EXPTIME =                 10.0", "END");
        using var f = new FileStream(path, FileMode.CreateNew);
        f.Write(header);
        var data = (long)width * height * 4;
        f.SetLength(header.Length + (data + 2879) / 2880 * 2880);
    }

    [Theory]
    [InlineData(30000, 30000, 0)]
    [InlineData(16000, 16000, 4096)]
    public void FramesTooLargeForTheLimitAreRefusedNamingTheSizeAndTheLimit(int width, int height, int maxMemoryMiB)
    {
        using var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "frames");
        Directory.CreateDirectory(input);
        SparseFrame(Path.Combine(input, "a.fit"), width, height);
        SparseFrame(Path.Combine(input, "b.fit"), width, height);
        var config = Path.Combine(dir.Path, "c.yaml");
        File.WriteAllText(config, $"assumptions:\n  frames_min: 2\nruntime_limits:\n  max_memory: {maxMemoryMiB}\n");
        if (maxMemoryMiB == 0 && MemoryPlan.AutomaticLimitBytes() > MemoryPlan.Estimate(width, height, 1, 1, 512L << 20)) return;

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = StandardPhases.Runner().Start(new StartRequest { InputDir = input, ConfigPath = config, RunsRoot = Path.Combine(dir.Path, "runs"), RunId = "big" });
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal("error", result.Status);
        Assert.Contains($"frames of {width} x {height} px need about", result.Error);
        Assert.Contains("runtime_limits.max_memory", result.Error);
        Assert.True(allocated < 256L << 20, $"allocated {allocated >> 20} MiB before refusing");
        var end = EventLogReader.ReadAll(Path.Combine(result.RunDir, "logs", "run_events.jsonl")).Last(e => e.Type == "phase_end");
        Assert.Equal(1, end.Phase);
        Assert.Equal(RunStatusKind.Failed, RunStatusReader.Read(result.RunDir).Status);
    }

    [Fact]
    public void FewerWorkersAreUsedWhenTheLimitAllowsOnlyThatManyAndTheResultIsTheSame()
    {
        using var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "frames");
        SampleSkyGenerator.Generate(new SampleSkyOptions { Width = 192, Height = 160, Frames = 4, Seed = 5, StarDensity = 40, BadFrame = false, SatelliteTrail = false }, input);
        var baseConfig = "assumptions:\n  frames_min: 2\n  frames_reduced_threshold: 100\nruntime_limits:\n  parallel_workers: 4\n  memory_budget: 64\n";
        var limited = Path.Combine(dir.Path, "limited.yaml");
        // 320 MiB of baseline and tile buffers, then room for two frames of 192 x 160 px, not three.
        var room = MemoryPlan.Estimate(192, 160, 1, 2, 64L << 20) + 1024;
        File.WriteAllText(limited, baseConfig + $"  max_memory: {(room + (1 << 20) - 1) >> 20}\n");
        var free = Path.Combine(dir.Path, "free.yaml");
        File.WriteAllText(free, baseConfig);

        var a = StandardPhases.Runner().Start(new StartRequest { InputDir = input, ConfigPath = limited, RunsRoot = Path.Combine(dir.Path, "a"), RunId = "r" });
        var b = StandardPhases.Runner().Start(new StartRequest { InputDir = input, ConfigPath = free, RunsRoot = Path.Combine(dir.Path, "b"), RunId = "r" });
        Assert.True(a.Status == "ok", a.Error);
        Assert.True(b.Status == "ok", b.Error);
        var warning = EventLogReader.ReadAll(Path.Combine(a.RunDir, "logs", "run_events.jsonl")).Single(e => e.String("code") == "memory_limited_workers");
        Assert.StartsWith("2 of 4 workers", warning.String("message"));
        // The pixels do not depend on how many frames were worked on at once (the headers differ only in the config
        // hash, since the two configurations differ in runtime_limits.max_memory).
        using var limitedImage = TileCompile.Engine.Fits.FitsImage.Open(a.Output!);
        using var freeImage = TileCompile.Engine.Fits.FitsImage.Open(b.Output!);
        Assert.Equal(freeImage.ReadPlane(), limitedImage.ReadPlane());
    }
}
