using Microsoft.AspNetCore.Components.Authorization;
using SdPortal.Web.Api.Access;

namespace SdPortal.Web.Ui;

/// <summary>
/// Runs one UI operation for the circuit's user: a fresh DI scope (one DbContext per operation, never one per circuit),
/// the same member check as the API on every call — so a disabled user or suspended tenant is refused at the very next
/// operation (R21) rather than at the next 30-minute revalidation — and the scope's tenant set from it.
/// </summary>
internal sealed class TenantOperations(IServiceScopeFactory scopes, AuthenticationStateProvider authentication)
{
    public async Task<T> RunAsync<T>(Func<IServiceProvider, PortalCaller, Task<T>> operation, CancellationToken cancellationToken = default)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        await using var scope = scopes.CreateAsyncScope();
        var check = await scope.ServiceProvider.GetRequiredService<CallerResolver>().CheckMemberAsync(state.User, null, cancellationToken);
        if (check != CallerCheck.Allowed)
        {
            throw new PortalAccessException(check switch
            {
                CallerCheck.TenantSuspended => "This tenant is suspended.",
                CallerCheck.NoSuchTenant => "You are no longer a member of this tenant.",
                _ => "Your session has ended: please sign in again.",
            });
        }

        return await operation(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<PortalCaller>());
    }
}

/// <summary>The circuit's user may no longer act; the message is safe to show.</summary>
internal sealed class PortalAccessException(string message) : Exception(message);
