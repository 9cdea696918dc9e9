using Microsoft.AspNetCore.Authorization;
using SdPortal.Data.Providers;

namespace SdPortal.Web.Generation;

/// <summary>Authorisation that holds for the life of a hub connection (R29, ADR-018).</summary>
internal static class HubAuthorizationExtensions
{
    /// <summary>
    /// The hub's access checks (<see cref="HubAccess"/>, the endpoint policy, the invocation filter), this node's
    /// connection registry with its periodic re-check, and the save interceptor that re-checks on a change.
    /// </summary>
    public static IHostApplicationBuilder AddHubAuthorization(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<HubAccess>();
        builder.Services.AddSingleton<HubConnections>();
        builder.Services.AddSingleton<HubCallerFilter>();
        builder.Services.AddSingleton<HubReauthorizer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HubReauthorizer>());
        builder.Services.AddSingleton<IAuthorizationHandler, HubSignInHandler>();
        builder.Services.AddAuthorizationBuilder().AddPolicy(HubSignInRequirement.PolicyName, p => p
            .RequireAuthenticatedUser()
            .AddRequirements(new HubSignInRequirement()));

        // Both providers' contexts: only the configured one is ever built.
        builder.Services.AddSingleton<AccessChangeInterceptor>();
        builder.Services.ConfigureDbContext<SqlitePortalDbContext>(
            (sp, o) => o.AddInterceptors(sp.GetRequiredService<AccessChangeInterceptor>()), ServiceLifetime.Scoped);
        builder.Services.ConfigureDbContext<PostgresPortalDbContext>(
            (sp, o) => o.AddInterceptors(sp.GetRequiredService<AccessChangeInterceptor>()), ServiceLifetime.Scoped);
        return builder;
    }
}
