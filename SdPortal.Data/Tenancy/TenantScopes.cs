using Microsoft.Extensions.DependencyInjection;

namespace SdPortal.Data.Tenancy;

/// <summary>Scopes for work that does not come with a request: background jobs, webhooks, operator actions.</summary>
public static class TenantScopes
{
    /// <summary>
    /// Creates a scope acting for <paramref name="tenantId"/>: its contexts see and write only that tenant's rows.
    /// Jobs take the tenant id as an argument and run inside such a scope; without one they fail closed.
    /// </summary>
    public static AsyncServiceScope CreateTenantScope(this IServiceScopeFactory scopes, Guid tenantId)
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        return scope;
    }
}
