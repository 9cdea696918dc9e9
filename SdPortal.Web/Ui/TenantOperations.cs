using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using SdPortal.Web.Api.Access;

namespace SdPortal.Web.Ui;

/// <summary>
/// Runs one UI operation for the circuit's user: a fresh DI scope (one DbContext per operation, never one per circuit),
/// the same member (or operator) check as the API on every call — so a disabled user or suspended tenant is refused at
/// the very next operation (R21) rather than at the next 30-minute revalidation — and the scope's tenant set from it.
/// </summary>
internal sealed class TenantOperations(IServiceScopeFactory scopes, AuthenticationStateProvider authentication)
{
    public Task<T> RunAsync<T>(Func<IServiceProvider, PortalCaller, Task<T>> operation, CancellationToken cancellationToken = default) =>
        RunCheckedAsync((resolver, user) => resolver.CheckMemberAsync(user, null, cancellationToken), operation);

    /// <summary>Runs <paramref name="operation"/> for an operator (<c>Portal:Operators</c>) only.</summary>
    public Task<T> RunAsOperatorAsync<T>(Func<IServiceProvider, Task<T>> operation, CancellationToken cancellationToken = default) =>
        RunCheckedAsync((resolver, user) => resolver.CheckOperatorAsync(user, cancellationToken), (services, _) => operation(services));

    /// <summary>Whether the circuit's user is an operator now (to show the operators' links; each page checks again).</summary>
    public Task<bool> IsOperatorAsync(CancellationToken cancellationToken = default) =>
        WithResolverAsync(async (resolver, user) =>
            user.Identity?.IsAuthenticated == true && await resolver.CheckOperatorAsync(user, cancellationToken) == CallerCheck.Allowed);

    /// <summary>The user's tenants (for the switcher); empty when the session has ended.</summary>
    public Task<IReadOnlyList<MembershipSummary>> ListMembershipsAsync(CancellationToken cancellationToken = default) =>
        WithResolverAsync((resolver, user) => resolver.ListMembershipsAsync(user, cancellationToken));

    private async Task<T> WithResolverAsync<T>(Func<CallerResolver, ClaimsPrincipal, Task<T>> use)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        await using var scope = scopes.CreateAsyncScope();
        return await use(scope.ServiceProvider.GetRequiredService<CallerResolver>(), state.User);
    }

    private async Task<T> RunCheckedAsync<T>(
        Func<CallerResolver, ClaimsPrincipal, Task<CallerCheck>> check, Func<IServiceProvider, PortalCaller, Task<T>> operation)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        await using var scope = scopes.CreateAsyncScope();
        var outcome = await check(scope.ServiceProvider.GetRequiredService<CallerResolver>(), state.User);
        if (outcome != CallerCheck.Allowed)
        {
            throw new PortalAccessException(outcome switch
            {
                CallerCheck.TenantSuspended => "This tenant is suspended.",
                CallerCheck.NoSuchTenant => "You are no longer a member of this tenant.",
                CallerCheck.NotOperator => "Operators only.",
                _ => "Your session has ended: please sign in again.",
            });
        }

        return await operation(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<PortalCaller>());
    }
}

/// <summary>The circuit's user may no longer act; the message is safe to show.</summary>
internal sealed class PortalAccessException(string message) : Exception(message);
