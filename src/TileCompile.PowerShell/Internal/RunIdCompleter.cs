using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace TileCompile.PowerShell.Internal;

/// <summary>Completes run ids from the runs root (the -RunsRoot being typed, or ./runs).</summary>
public sealed class RunIdCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var root = fakeBoundParameters["RunsRoot"] as string;
        // Completion runs on the pipeline thread, where the default runspace knows the current location.
        var cwd = Environment.CurrentDirectory;
        try
        {
            using var ps = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
            var location = ps.AddScript("$ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath").Invoke<string>().FirstOrDefault();
            if (!string.IsNullOrEmpty(location)) cwd = location;
        }
        catch (InvalidOperationException)
        {
        }
        var runsRoot = root is { Length: > 0 } ? Path.GetFullPath(Path.Combine(cwd, root)) : RunBridge.DefaultRunsRoot(cwd);
        var prefix = wordToComplete.Trim('\'', '"');
        foreach (var id in RunBridge.RunIds(runsRoot).Where(i => i.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            yield return new CompletionResult(id, id, CompletionResultType.ParameterValue, id);
    }
}
