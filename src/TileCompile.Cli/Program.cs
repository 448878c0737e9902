using System.CommandLine;
using System.Runtime.InteropServices;
using TileCompile.Cli;

// Ctrl+C, SIGINT and SIGTERM ask the running command to stop: a run ends Cancelled with its last event written and
// its lock released, and can be resumed. A second signal gives up waiting and ends the process at once.
using var stop = new CancellationTokenSource();
var signals = 0;
void OnSignal(PosixSignalContext context)
{
    if (Interlocked.Increment(ref signals) == 1)
    {
        context.Cancel = true;
        Console.Error.WriteLine("Stopping: the run ends Cancelled and can be resumed (press Ctrl+C again to quit at once).");
        stop.Cancel();
    }
    else
    {
        context.Cancel = false;
    }
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
var parsed = Cli.Build().Parse(args);
// With --json every answer is JSON, argument errors included: a script reads one object, never usage text.
if (parsed.Errors.Count > 0 && args.Contains("--json"))
{
    Console.WriteLine(new System.Text.Json.Nodes.JsonObject
    {
        ["error"] = new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = "InvalidArgument",
            ["message"] = string.Join("; ", parsed.Errors.Select(e => e.Message)),
        },
    }.ToJsonString(Cli.Json));
    return 1;
}
return await parsed.InvokeAsync(new InvocationConfiguration(), stop.Token);
