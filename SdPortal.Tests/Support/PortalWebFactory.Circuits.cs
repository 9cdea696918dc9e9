using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data.Entities;
using SdPortal.Web.Ui;

namespace SdPortal.Tests.Support;

/// <summary>
/// A Blazor circuit without a browser: the portal's own circuit-scoped services (TenantOperations, the Create page's
/// session) in one DI scope whose authentication state is the user's cookie principal, as Blazor sets it when the
/// circuit opens. Calls through it reach the service layer exactly as the pages' event handlers do, with no HTTP
/// middleware in between.
/// </summary>
public sealed class CircuitScope(AsyncServiceScope scope) : IAsyncDisposable
{
    private readonly List<CreateJobSession> _pages = [];

    public IServiceProvider Services => scope.ServiceProvider;

    /// <summary>A new Create page on this circuit (its session; the page disposes it when it goes away).</summary>
    internal CreateJobSession OpenCreatePage()
    {
        var page = Services.GetRequiredService<CreateJobSession>();
        _pages.Add(page);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        _pages.ForEach(p => p.Dispose());
        await scope.DisposeAsync();
    }
}

public sealed partial class PortalWebFactory
{
    /// <summary>Opens a circuit for <paramref name="userId"/>, signed in with the claims the login cookie would carry.</summary>
    public async Task<CircuitScope> OpenCircuitAsync(Guid userId)
    {
        var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByIdAsync(userId.ToString()) ?? throw new InvalidOperationException($"No user {userId}");
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<PortalUser>>().CreateAsync(user);
        var authentication = (IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        authentication.SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
        return new CircuitScope(scope);
    }
}
