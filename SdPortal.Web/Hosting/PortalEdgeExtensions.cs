using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace SdPortal.Web.Hosting;

/// <summary>
/// The portal's edge, first in the pipeline: forwarded headers from the listed proxies only, then the security headers
/// and HSTS (<see cref="SecurityHeaders"/>). Everything after — the per-IP sign-in limit, the Secure cookie, the origin
/// check, the logs — sees the real client. See ADR-014.
/// </summary>
public static class PortalEdgeExtensions
{
    public static IHostApplicationBuilder AddPortalEdge(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TrustedProxyOptions>().BindConfiguration(TrustedProxyOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) =>
        {
            // For and Proto only: the client's address (limits, logs) and whether it used HTTPS (Secure cookie, HSTS).
            // Never X-Forwarded-Host: links come from Portal:PublicBaseUrl, not from anything a client sends.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The defaults trust loopback, which would believe any process or same-host proxy we did not list.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var network in trusted.Value.Networks())
            {
                forwarded.KnownIPNetworks.Add(network);
            }

            // No hop limit: the middleware walks X-Forwarded-For from the right and stops at the first address that is not
            // a listed proxy, which is the client however many of our proxies are in between.
            forwarded.ForwardLimit = null;
        });
        return builder;
    }

    public static WebApplication UsePortalEdge(this WebApplication app)
    {
        // With no proxy listed the middleware is left out: with empty known lists it would believe every peer.
        if (app.Services.GetRequiredService<IOptions<TrustedProxyOptions>>().Value.TrustedProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseMiddleware<SecurityHeaders>();
        return app;
    }
}
