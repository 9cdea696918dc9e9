using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SdPortal.Inference.Telemetry;

namespace SdPortal.Web.Observability;

/// <summary>
/// The web node's telemetry: the shared setup (<see cref="TelemetryExtensions.AddSdPortalTelemetry"/>) as
/// <c>sdportal-web</c>, plus ASP.NET Core and EF Core instrumentation, the portal's own instruments, the queue gauges'
/// refresher and the Prometheus scrape endpoint. See ADR-023.
/// </summary>
public static class PortalTelemetryExtensions
{
    /// <summary>The web node's <c>service.name</c>.</summary>
    public const string ServiceName = "sdportal-web";

    public static IHostApplicationBuilder AddPortalTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsEndpointOptions>().BindConfiguration(MetricsEndpointOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<PortalMetrics>();
        builder.Services.AddSingleton<QueueMetrics>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<QueueMetrics>());

        var telemetry = builder.AddSdPortalTelemetry(ServiceName)
            // No scrape cache: a scrape reads snapshots and counters, never the database, so serving it fresh is cheap.
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        if (builder.ExportsTraces())
        {
            telemetry.WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddEntityFrameworkCoreInstrumentation());
        }

        return builder;
    }

    /// <summary>
    /// Maps the scrape endpoint when enabled; a client <see cref="MetricsEndpointOptions.Admits"/> refuses gets an empty
    /// 404. Mapped after the edge, so the remote address is the one the trusted proxies vouch for.
    /// </summary>
    public static WebApplication MapPortalMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsEndpointOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        app.MapPrometheusScrapingEndpoint(options.Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            if (!options.Admits(context.Connection.RemoteIpAddress, context.Request.Headers.ContainsKey(ForwardedHeadersDefaults.XForwardedForHeaderName)))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context);
        }), optionsName: null);
        return app;
    }
}
