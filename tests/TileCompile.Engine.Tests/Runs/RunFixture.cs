using System.Security.Cryptography;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Runs;
using TileCompile.Engine.Tests.Support;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.Runs;

/// <summary>An input folder of small frames, a config and a runs root, for lifecycle tests.</summary>
public sealed class RunFixture : IDisposable
{
    private readonly TempDirectory _dir = new();

    public RunFixture(int frames = 4, string? extraConfig = null)
    {
        InputDir = Path.Combine(_dir.Path, "input");
        RunsRoot = Path.Combine(_dir.Path, "runs");
        Directory.CreateDirectory(InputDir);
        for (var i = 1; i <= frames; i++)
        {
            var h = new FitsHeader();
            h.Set("EXPTIME", 10.0);
            FitsWriter.WriteUInt16(Path.Combine(InputDir, $"light_{i}.fit"), Enumerable.Range(0, 64).Select(v => (ushort)(v * i)).ToArray(), 8, 8, header: h);
        }
        ConfigPath = Path.Combine(_dir.Path, "config.yaml");
        File.WriteAllText(ConfigPath, "assumptions:\n  frames_min: 2\n  frames_reduced_threshold: 2\n" + (extraConfig ?? ""));
        Phases = FakePipeline.Create();
        Runner = new PipelineRunner(Phases);
        Runner.EventWritten += e => { lock (Events) Events.Add(e); };
    }

    public string InputDir { get; }
    public string RunsRoot { get; }
    public string ConfigPath { get; }
    public FakePhase[] Phases { get; private set; }
    public PipelineRunner Runner { get; private set; }
    public List<RunEvent> Events { get; } = new();

    public FakePhase Phase(PhaseId id) => Phases[(int)id];

    /// <summary>A fresh runner (as a new process would have), with new phase instances.</summary>
    public void NewProcess()
    {
        Phases = FakePipeline.Create();
        Runner = new PipelineRunner(Phases);
        Runner.EventWritten += e => { lock (Events) Events.Add(e); };
    }

    public RunOutcome Start(string? runId = null) =>
        Runner.Start(new StartRequest { InputDir = InputDir, ConfigPath = ConfigPath, RunsRoot = RunsRoot, RunId = runId });

    public RunOutcome Resume(string runDir, string? from = null, bool force = false) =>
        Runner.Resume(new ResumeRequest { RunDir = runDir, FromPhase = from, Force = force, RunsRoot = RunsRoot });

    public static IReadOnlyList<RunEvent> Log(string runDir) => EventLogReader.ReadAll(new RunPaths(runDir).Events);

    /// <summary>Names, sizes and content hashes of every file below a folder: equal before and after means nothing changed.</summary>
    public static string TreeHash(string dir) =>
        string.Join("\n", Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => Path.GetRelativePath(dir, f) + " " + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))));

    public void Dispose() => _dir.Dispose();
}
