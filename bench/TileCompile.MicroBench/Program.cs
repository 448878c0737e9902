using BenchmarkDotNet.Running;

// Micro-benchmarks of the hot loops the end-to-end benchmark (bench/TileCompile.Bench) points at:
//   dotnet run --project bench/TileCompile.MicroBench -c Release -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(TileCompile.MicroBench.PixelCombine).Assembly).Run(args);
