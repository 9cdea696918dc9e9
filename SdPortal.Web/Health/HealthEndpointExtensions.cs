using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using SdPortal.Data;

namespace SdPortal.Web.Health;

/// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (database and job storage answer).</summary>
public static class HealthEndpointExtensions
{
    /// <summary>The tag of the checks <c>/health/ready</c> runs (the shared-state Redis check adds itself with it).</summary>
    internal const string ReadyTag = "ready";

    /// <summary>Registers the readiness checks.</summary>
    public static IHostApplicationBuilder AddPortalHealthChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddDbContextCheck<PortalDbContext>("database", tags: [ReadyTag])
            .AddCheck<HangfireStorageHealthCheck>("job-storage", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>Maps both endpoints; neither needs authentication, both reveal only up/down.</summary>
    public static IEndpointRouteBuilder MapPortalHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) });
        return endpoints;
    }
}
