using TileCompile.Engine.Pipeline;
using TileCompile.Engine.Contracts;

namespace TileCompile.Engine.Tests.Runs;

/// <summary>Reports phases hand to each other are declared once, and a phase reads only what it declares.</summary>
public class ArtifactCatalogTests
{
    [Fact]
    public void A_read_of_a_phase_not_declared_stops_the_phase_naming_both()
    {
        using var fx = new RunFixture();
        // Global metrics declares it reads normalization only; the scan report is another phase's.
        fx.Phase(PhaseId.GlobalMetrics).Before = context => context.Read(ArtifactCatalog.Scan);
        var outcome = fx.Start();
        Assert.Equal("error", outcome.Status);
        Assert.Contains("phase GLOBAL_METRICS read artifacts/scan.json of phase SCAN_INPUT without declaring that it reads that phase", outcome.Error);
    }

    [Fact]
    public void Only_the_producer_writes_a_catalogued_report()
    {
        using var fx = new RunFixture();
        fx.Phase(PhaseId.TileGrid).Before = context => context.Write(ArtifactCatalog.Registration, null!);
        var outcome = fx.Start();
        Assert.Equal("error", outcome.Status);
        Assert.Contains("phase TILE_GRID wrote artifacts/registration.json, which phase REGISTRATION produces", outcome.Error);
    }

    [Fact]
    public void Every_catalogued_report_has_one_producer_and_one_path()
    {
        Assert.Equal(ArtifactCatalog.All.Count, ArtifactCatalog.All.Select(a => a.Path).Distinct().Count());
        Assert.All(ArtifactCatalog.All, a => Assert.StartsWith("artifacts/", a.Path));
        // Each is read by at least one phase that declares its producer.
        Assert.All(ArtifactCatalog.All, a => Assert.Contains(StandardPhases.Create(), p => p.Reads.Contains(a.Producer)));
    }
}
