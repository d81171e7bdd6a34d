using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VoSpec.Archive;
using VoSpec.Server.Access;
using VoSpec.Server.Hosting;
using VoSpec.Server.Tap;
using VoSpec.Server.Uws;

namespace VoSpec.Server.Admin;

/// <summary>
/// /spec/debug's JSON: version, uptime, the archive and its collections, jobs, memory and the settings in force —
/// with every token replaced by a note that it is set (the proprietary collections' tokens are only counted).
/// </summary>
public static class DebugReport
{
    public const string Redacted = "(set; redacted)";

    public static string Json(IServiceProvider services)
    {
        var settings = services.GetRequiredService<ServerSettings>();
        var archive = services.GetRequiredService<SpectrumArchive>();
        var policy = services.GetRequiredService<AccessPolicy>();
        var tap = services.GetRequiredService<TapService>();
        var jobs = services.GetRequiredService<JobManager>().List().ToList();
        var gc = GC.GetGCMemoryInfo();
        var now = DateTimeOffset.UtcNow;
        var report = new JsonObject
        {
            ["service"] = "VoSpec",
            ["version"] = typeof(DebugReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
            ["runtime"] = RuntimeInformation.FrameworkDescription,
            ["os"] = RuntimeInformation.OSDescription,
            ["process_id"] = Environment.ProcessId,
            ["started"] = UwsJob.Time(tap.UpSince),
            ["uptime_seconds"] = Math.Round((now - tap.UpSince).TotalSeconds, 1),
            ["archive"] = new JsonObject
            {
                ["directory"] = archive.Directory,
                ["public_url"] = archive.PublicUrl,
                ["spectra"] = archive.Lookup.CountSpectra(),
                ["collections"] = new JsonArray(archive.Lookup.Collections().Select(c => (JsonNode)new JsonObject
                {
                    ["name"] = c.Name,
                    ["title"] = c.Title,
                    ["spectra"] = c.Count,
                    ["data_rights"] = c.DataRights,
                    ["proprietary"] = policy.IsProprietary(c.Name),
                }).ToArray()),
            },
            ["jobs"] = new JsonObject(jobs.GroupBy(j => j.Phase.ToString()).OrderBy(g => g.Key)
                .Select(g => KeyValuePair.Create(g.Key, (JsonNode?)g.Count()))),
            ["memory"] = new JsonObject
            {
                ["gc_heap_bytes"] = GC.GetTotalMemory(false),
                ["gc_committed_bytes"] = gc.TotalCommittedBytes,
                ["gc_collections"] = new JsonArray(Enumerable.Range(0, GC.MaxGeneration + 1).Select(g => (JsonNode)GC.CollectionCount(g)).ToArray()),
                // Every byte allocated since the start: what a request allocated is the difference across it.
                ["gc_allocated_bytes"] = GC.GetTotalAllocatedBytes(),
                // Each generation's size after the last collection: gen 0, 1, 2, large objects, pinned objects.
                ["gc_generation_bytes"] = new JsonArray(gc.GenerationInfo.ToArray().Select(g => (JsonNode)g.SizeAfterBytes).ToArray()),
                ["working_set_bytes"] = Environment.WorkingSet,
                ["threads"] = Process.GetCurrentProcess().Threads.Count,
            },
            ["settings"] = Settings(settings, policy),
        };
        return report.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The settings without their secrets: Access and Admin are rebuilt from what may be shown.</summary>
    private static JsonObject Settings(ServerSettings settings, AccessPolicy policy)
    {
        var node = JsonSerializer.SerializeToNode(settings with { Access = new(), Admin = new() })!.AsObject();
        node["Access"] = new JsonObject
        {
            ["Collections"] = new JsonObject(policy.TokenCounts.OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase)
                .Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonObject { ["Tokens"] = $"{kv.Value} token(s) {Redacted}" }))),
        };
        node["Admin"] = new JsonObject { ["Token"] = policy.AdminEnabled ? Redacted : null };
        return node;
    }
}
