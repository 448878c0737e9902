using System.CommandLine;
using TileCompile.Cli;

return CliApp.Build().Parse(args).Invoke();
