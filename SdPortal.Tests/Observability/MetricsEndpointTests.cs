using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using SdPortal.Data;
using SdPortal.Tests.Browser;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Observability;

/// <summary>
/// <c>/metrics</c> answers loopback and configured networks only, judged by the remote address the edge resolved (real
/// Kestrel on loopback: the test server has no remote address); everyone else gets a bare 404. See ADR-023.
/// </summary>
public sealed class MetricsEndpointTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Loopback_Scrapes_AndAForgedForwardedForFromAnUntrustedPeer_Gets404WithNoBody()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Jobs:RunInferenceInProcess"] = "false" });
        portal.StartOnKestrel();
        using var http = RawClient(portal);

        var scrape = await PrometheusScrape.GetAsync(http);
        // A same-host proxy not listed in Portal:TrustedProxies: loopback peer, the real client in X-Forwarded-For.
        var (forgedStatus, forgedBody) = await GetAsync(http, "/metrics", "203.0.113.9");

        output.WriteLine($"loopback: {scrape.Samples.Count} samples, families: {string.Join(", ", scrape.Names.Where(n => n.StartsWith("sdportal_", StringComparison.Ordinal)).Order())}; " +
                         $"loopback with X-Forwarded-For from an untrusted peer: HTTP {(int)forgedStatus}, {forgedBody.Length} body bytes");
        Assert.Equal(3, scrape.Of("sdportal_jobs").Count());
        Assert.Equal(0, scrape.Sum("sdportal_jobs"));
        Assert.Contains("target_info", scrape.Names);
        Assert.Equal(HttpStatusCode.NotFound, forgedStatus);
        Assert.Empty(forgedBody);
    }

    [Fact]
    public async Task ThroughATrustedProxy_TheForwardedClientDecides_AndOnlyAListedNetworkScrapes()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?>
        {
            ["Jobs:RunInferenceInProcess"] = "false",
            ["Portal:TrustedProxies:0"] = "127.0.0.1",
            ["Telemetry:Prometheus:AllowedNetworks:0"] = "10.20.0.0/16",
        });
        portal.StartOnKestrel();
        using var http = RawClient(portal);

        var (outside, outsideBody) = await GetAsync(http, "/metrics", "203.0.113.9");
        var (listed, listedBody) = await GetAsync(http, "/metrics", "10.20.3.4");
        // A chain whose outer hop is not a listed proxy: the edge stops there, and that client is outside.
        var (chained, _) = await GetAsync(http, "/metrics", "203.0.113.9, 10.20.3.4");

        output.WriteLine($"via trusted proxy: client 203.0.113.9 → HTTP {(int)outside} ({outsideBody.Length} bytes); 10.20.3.4 (listed) → HTTP {(int)listed}; " +
                         $"chain 203.0.113.9, 10.20.3.4 → HTTP {(int)chained}");
        Assert.Equal(HttpStatusCode.NotFound, outside);
        Assert.Empty(outsideBody);
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Contains("sdportal_jobs", listedBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, chained);
    }

    [Fact]
    public async Task PathAndOffSwitch_AreHonoured()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var moved = new PortalWebFactory(database, new Dictionary<string, string?>
        {
            ["Jobs:RunInferenceInProcess"] = "false",
            ["Telemetry:Prometheus:Path"] = "/ops/metrics",
        });
        moved.StartOnKestrel();
        using var movedHttp = RawClient(moved);
        var movedScrape = await PrometheusScrape.GetAsync(movedHttp, "/ops/metrics");
        var (oldPath, oldBody) = await GetAsync(movedHttp, "/metrics");

        await using var offDatabase = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var off = new PortalWebFactory(offDatabase, new Dictionary<string, string?>
        {
            ["Jobs:RunInferenceInProcess"] = "false",
            ["Telemetry:Prometheus:Enabled"] = "false",
        });
        off.StartOnKestrel();
        using var offHttp = RawClient(off);
        var (offStatus, offBody) = await GetAsync(offHttp, "/metrics");

        output.WriteLine($"Path /ops/metrics: {movedScrape.Samples.Count} samples, /metrics HTTP {(int)oldPath}; Enabled false: /metrics HTTP {(int)offStatus}");
        Assert.NotEmpty(movedScrape.Of("sdportal_jobs"));
        Assert.DoesNotContain("sdportal_jobs", oldBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, offStatus);
        Assert.DoesNotContain("sdportal_jobs", offBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TracesAreOffByDefault_AndOnWithAnOtlpEndpoint()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var plain = new PortalWebFactory(database, new Dictionary<string, string?> { ["Jobs:RunInferenceInProcess"] = "false" });
        using var _ = plain.CreateClient();
        var plainTracer = plain.Services.GetService<TracerProvider>();

        await using var exportingDatabase = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var exporting = new PortalWebFactory(exportingDatabase, new Dictionary<string, string?>
        {
            ["Jobs:RunInferenceInProcess"] = "false",
            // Nothing listens there: the exporter's batches fail quietly, which is what a missing collector does.
            ["Telemetry:Otlp:Endpoint"] = "http://127.0.0.1:9",
        });
        using var __ = exporting.CreateClient();
        var exportingTracer = exporting.Services.GetService<TracerProvider>();

        output.WriteLine($"no endpoint: tracer provider {(plainTracer is null ? "absent" : "present")}; Telemetry:Otlp:Endpoint set: {(exportingTracer is null ? "absent" : "present")}");
        Assert.Null(plainTracer);
        Assert.NotNull(exportingTracer);
    }

    [Theory]
    [InlineData("Telemetry:Prometheus:AllowedNetworks:0", "10.0.0.1/8", "Telemetry:Prometheus:AllowedNetworks")]
    [InlineData("Telemetry:Prometheus:Path", "metrics", "Telemetry:Prometheus:Path")]
    [InlineData("Telemetry:Otlp:Endpoint", "collector:4317", "Telemetry:Otlp:Endpoint")]
    [InlineData("Telemetry:Otlp:Protocol", "udp", "Telemetry:Otlp:Protocol")]
    public async Task Boot_WithABadTelemetrySetting_FailsNamingIt(string key, string value, string named)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Jobs:RunInferenceInProcess"] = "false", [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => portal.CreateClient());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient http, string path, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A client over a real socket to the Kestrel portal, with no cookies and no redirects followed.</summary>
    private static HttpClient RawClient(PortalWebFactory portal) =>
        new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(portal.Url("/")) };
}
