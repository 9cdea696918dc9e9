using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

namespace SdPortal.Inference.Telemetry;

/// <summary>
/// The inference host's telemetry: the shared setup as <c>sdportal-inference</c>, plus, when
/// <c>Telemetry:HostMetricsPort</c> names a port, a Prometheus scrape listener there (the host has no ASP.NET Core to
/// serve one otherwise). Off by default: a GPU host's port is reachable by whatever shares its network, so opening one
/// is the operator's decision; OTLP carries the same metrics without a listening port. See ADR-023.
/// </summary>
public static class InferenceHostTelemetry
{
    /// <summary>The host's <c>service.name</c>.</summary>
    public const string ServiceName = "sdportal-inference";

    public static IHostApplicationBuilder AddInferenceHostTelemetry(this IHostApplicationBuilder builder)
    {
        var telemetry = builder.AddSdPortalTelemetry(ServiceName);
        var port = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>()?.HostMetricsPort ?? 0;
        if (port > 0)
        {
            telemetry.WithMetrics(metrics => metrics.AddPrometheusHttpListener(o =>
            {
                o.Port = port;
                // Every interface (a scraper is on another machine or pod); the options' Host takes one name only.
                o.ConfigureHttpListener = (_, listener) =>
                {
                    listener.Prefixes.Clear();
                    listener.Prefixes.Add($"http://*:{port}/");
                };
            }));
        }

        return builder;
    }
}
