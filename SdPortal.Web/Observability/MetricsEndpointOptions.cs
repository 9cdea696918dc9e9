using System.ComponentModel.DataAnnotations;
using System.Net;
using SdPortal.Web.Hosting;

namespace SdPortal.Web.Observability;

/// <summary>
/// The web node's Prometheus scrape endpoint (section <c>Telemetry:Prometheus</c>): on at <c>/metrics</c> by default,
/// answered to loopback and to <see cref="AllowedNetworks"/> only (CIDR networks or addresses, as
/// <c>Portal:TrustedProxies</c> writes them); every other client gets a bare 404, as if there were no such page. The
/// client is the connection's address as the edge resolved it, so <c>X-Forwarded-For</c> counts only from a listed
/// proxy. Per-tenant queue series name tenants, which is why the endpoint is not public. See ADR-023.
/// </summary>
public sealed class MetricsEndpointOptions : IValidatableObject
{
    public const string SectionName = "Telemetry:Prometheus";

    /// <summary>Whether <c>/metrics</c> exists at all; off, the path is an ordinary unknown page.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The scrape path.</summary>
    [RegularExpression("^/[A-Za-z0-9/_.-]*$", ErrorMessage = "Telemetry:Prometheus:Path must be an absolute path such as /metrics.")]
    public string Path { get; set; } = "/metrics";

    /// <summary>Networks besides loopback that may scrape, e.g. the cluster's pod network <c>10.0.0.0/8</c>.</summary>
    public IList<string> AllowedNetworks { get; } = [];

    /// <summary>How often the queue gauges re-read the job table (one GROUP BY per period, whatever the scrapers).</summary>
    [Range(1, 300, ErrorMessage = "Telemetry:Prometheus:QueueRefreshSeconds must be within 1…300.")]
    public int QueueRefreshSeconds { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var entry in AllowedNetworks)
        {
            if (TrustedProxyOptions.Parse(entry) is null)
            {
                yield return new ValidationResult(
                    $"Telemetry:Prometheus:AllowedNetworks entry '{entry}' is neither an IP address nor a CIDR network with no host bits set (10.0.0.0/8).",
                    [nameof(AllowedNetworks)]);
            }
        }
    }

    /// <summary>
    /// Whether a client at <paramref name="remote"/> may scrape: loopback or a listed network; no address, no. A request
    /// still carrying <c>X-Forwarded-For</c> (<paramref name="forwardedFor"/>) came through a proxy the edge does not
    /// trust: its peer (a same-host proxy on loopback, say) relays someone unknown, so it is refused too.
    /// </summary>
    public bool Admits(IPAddress? remote, bool forwardedFor)
    {
        if (remote is null || forwardedFor)
        {
            return false;
        }

        var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        return IPAddress.IsLoopback(address) || AllowedNetworks.Select(TrustedProxyOptions.Parse).Any(n => n!.Value.Contains(address));
    }
}
