using System.Text.Json;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Pipeline;

/// <summary>
/// The one loop of every per-frame phase: frames side by side, each finished frame recorded with its result in the
/// phase's frame records (<c>state/phase-NN.frames.jsonl</c>), so a resume of a phase stopped part-way redoes only the
/// frames that were in flight; a <c>frame_processed</c> event and progress per frame; cancellation between frames.
/// </summary>
public static class PerFrameDriver
{
    /// <summary>
    /// Runs <paramref name="work"/> for every frame not recorded as done by an earlier attempt and returns all results in
    /// frame order. A recorded frame is taken as it is unless <paramref name="redo"/> says otherwise (for instance an
    /// excluded frame when only failed frames are to be retried). Results go through JSON, so a kept result is the
    /// computed one exactly (doubles round-trip).
    /// </summary>
    public static T[] RunWithArtifacts<T>(PhaseContext context, IReadOnlyList<string> frameNames, Func<int, (T Result, IReadOnlyList<Runs.ArtifactRecord> Artifacts)> work,
        Func<T, bool>? redo = null)
    {
        var n = frameNames.Count;
        var results = new T[n];
        var done = 0;
        Parallel.For(0, n, context.ParallelOptions, i =>
        {
            if (context.Frames.Completed(i) is { Result: { } json } kept && JsonSerializer.Deserialize<T>(json, PhaseContext.JsonFormat) is { } previous
                && !(redo?.Invoke(previous) ?? false))
            {
                foreach (var a in kept.Artifacts) context.AddExisting(a);
                results[i] = previous;
                Interlocked.Increment(ref done);
                return;
            }
            context.CancellationToken.ThrowIfCancellationRequested();
            var (result, artifacts) = work(i);
            context.Frames.Record(i, artifacts, JsonSerializer.Serialize(result, PhaseContext.JsonFormat));
            FaultInjection.Kill($"phase{(int)context.Phase}:frame{i}");
            results[i] = result;
            context.FrameProcessed(i, n, frameNames[i]);
            context.Progress(Interlocked.Increment(ref done), n);
        });
        return results;
    }

    /// <summary>As <see cref="RunWithArtifacts{T}"/> for frames that produce no artifact of their own.</summary>
    public static T[] Run<T>(PhaseContext context, IReadOnlyList<string> frameNames, Func<int, T> work) =>
        RunWithArtifacts(context, frameNames, i => (work(i), (IReadOnlyList<Runs.ArtifactRecord>)Array.Empty<Runs.ArtifactRecord>()));
}
