using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Telemetry;
using SdPortal.Tests.Browser;
using SdPortal.Tests.Generation;
using SdPortal.Tests.Support;
using SdPortal.Web.Observability;
using Xunit.Abstractions;

namespace SdPortal.Tests.Observability;

/// <summary>
/// Every series the Grafana dashboard queries is one a portal exports: a portal runs a batched job, and the series
/// no CPU test machine produces on its own (a GPU's NVML readings, a Stripe event's lag, a model eviction) are fed
/// through the same instruments (a stand-in driver's reading, one lag, one eviction), then /metrics is scraped.
/// </summary>
public sealed partial class DashboardMetricNamesTests(ITestOutputHelper output)
{
    private static readonly string Dashboard = Path.Combine(TestPaths.RepositoryRoot, "deploy", "grafana", "dashboards", "sdportal-dashboard.json");

    [Fact]
    public async Task EveryMetricTheDashboardQueries_IsExportedByAPortalThatRanAJob()
    {
        var queried = QueriedMetrics(Dashboard);
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(workers: 1, ("Inference:Batching:OnCpu", "true")))
        {
            TestServices = services =>
            {
                // Each step held 100 ms: the long job below keeps the one worker busy while another waits in the queue.
                TestEngines.Slow(TimeSpan.FromMilliseconds(100))(services);
                services.AddSingleton<IDeviceTelemetry>(new StandInGpu());
            },
        };
        portal.StartOnKestrel();
        var (_, owner) = await portal.RegisterAndLoginAsync("Dashboard");
        using var scraper = new HttpClient { BaseAddress = new Uri(portal.Url("/")) };

        var id = await PortalWebFactory.SubmitAcceptedAsync(owner);
        await PortalWebFactory.WaitForStatusAsync(owner, id, "succeeded");
        portal.Services.GetRequiredService<EngineMetrics>().Serving(["cpu", "cuda:0"]);
        portal.Services.GetRequiredService<PortalMetrics>().WebhookProcessed("checkout.session.completed", TimeSpan.FromSeconds(1.5));
        var busy = await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(("steps", 40)));
        await PortalWebFactory.WaitForStatusAsync(owner, busy, "running");
        var waiting = await PortalWebFactory.SubmitAcceptedAsync(owner);
        await portal.Services.GetRequiredService<QueueMetrics>().RefreshAsync(CancellationToken.None);
        var whileWaiting = (await PrometheusScrape.GetAsync(scraper)).Names;
        var engine = portal.Services.GetRequiredService<EngineMetrics>();
        engine.ModelEvicted("cpu", "tiny-synthetic");
        Assert.True((await owner.PostAsync(Routes.U($"/api/v1/generations/{waiting}/cancel"), null)).IsSuccessStatusCode);
        var exported = whileWaiting.Union((await PrometheusScrape.GetAsync(scraper)).Names).ToHashSet(StringComparer.Ordinal);

        var missing = queried.Where(m => !exported.Contains(m)).Order(StringComparer.Ordinal).ToList();
        output.WriteLine($"dashboard queries {queried.Count} series: {string.Join(", ", queried.Order(StringComparer.Ordinal))}");
        output.WriteLine($"exported sdportal_* series: {string.Join(", ", exported.Where(n => n.StartsWith("sdportal_", StringComparison.Ordinal)).Order(StringComparer.Ordinal))}");
        Assert.True(queried.Count >= 20, $"only {queried.Count} metrics found in the dashboard");
        Assert.Empty(missing);
    }

    /// <summary>The series names in every panel's PromQL: a histogram's <c>_bucket</c>, <c>_sum</c> and <c>_count</c> are exported as written.</summary>
    private static HashSet<string> QueriedMetrics(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var panel in json.RootElement.GetProperty("panels").EnumerateArray())
        {
            if (!panel.TryGetProperty("targets", out var targets))
            {
                continue;
            }

            foreach (var target in targets.EnumerateArray())
            {
                // Label lists (by/without) name labels, not series.
                var expr = LabelList().Replace(target.GetProperty("expr").GetString()!, string.Empty);
                foreach (Match match in SeriesName().Matches(expr))
                {
                    names.Add(match.Value);
                }
            }
        }

        return names;
    }

    [GeneratedRegex(@"\b(sdportal|http|dotnet)_[a-z0-9_]+\b")]
    private static partial Regex SeriesName();

    [GeneratedRegex(@"\b(by|without)\s*\([^)]*\)")]
    private static partial Regex LabelList();

    /// <summary>A driver that reports one GPU half full, at 40 % and 55 °C.</summary>
    private sealed class StandInGpu : IDeviceTelemetry
    {
        public GpuReading? Read(int ordinal) => ordinal == 0 ? new GpuReading(8L << 30, 16L << 30, 40, 55) : null;
    }
}
