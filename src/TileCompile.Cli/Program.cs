using System.CommandLine;
using TileCompile.Cli;

return Cli.Build().Parse(args).Invoke();
