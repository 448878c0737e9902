using System.Text.Json.Nodes;
using TileCompile.Engine.FrontEnd;
using TileCompile.Engine.Runs;

namespace TileCompile.Engine.Tests.FrontEnd;

/// <summary>The one wording of events that the CLI prints and the cmdlets put in their event objects.</summary>
public class EventDescriptionsTests
{
    private static RunEvent Event(string type, JsonObject fields)
    {
        fields["type"] = type;
        fields["run_id"] = "r";
        fields["ts"] = "2026-12-08T00:00:00Z";
        fields["seq"] = 1;
        fields["attempt"] = 2;
        return RunEvent.TryParse(fields.ToJsonString())!;
    }

    [Fact]
    public void A_start_names_every_input_folder()
    {
        var e = Event("run_start", new JsonObject { ["frames"] = 12, ["input_dir"] = "/a", ["input_dirs"] = new JsonArray("/a", "/b") });
        Assert.Equal("12 frames from /a, /b", EventDescriptions.Describe(e));
        Assert.Equal("4 frames from /a", EventDescriptions.Describe(Event("run_start", new JsonObject { ["frames"] = 4, ["input_dir"] = "/a" })));
    }

    [Fact]
    public void Phase_ends_say_how_they_ended()
    {
        Assert.Equal("ok (1.2 s)", EventDescriptions.Describe(Event("phase_end", new JsonObject { ["phase"] = 3, ["status"] = "ok", ["duration_s"] = 1.24 })));
        Assert.Equal("skipped (reduced_mode)", EventDescriptions.Describe(Event("phase_end", new JsonObject { ["phase"] = 8, ["status"] = "skipped", ["reason"] = "reduced_mode" })));
        Assert.Equal("error: no stars",
            EventDescriptions.Describe(Event("phase_end", new JsonObject { ["phase"] = 1, ["status"] = "error", ["error"] = new JsonObject { ["message"] = "no stars" } })));
        Assert.Equal("attempt 2, auto resume of a failed run",
            EventDescriptions.Describe(Event("run_resume", new JsonObject { ["mode"] = "auto", ["previous_status"] = "failed" })));
        Assert.Null(EventDescriptions.Describe(Event("phase_start", new JsonObject { ["phase"] = 1 })));
    }
}
