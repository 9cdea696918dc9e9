using Microsoft.AspNetCore.SignalR;

namespace SdPortal.Web.Generation;

/// <summary>
/// Checks the sign-in of a hub connection when it connects and before every invocation, as <c>CallerResolver</c> does
/// for every REST request: a bearer token whose user was disabled or whose security stamp changed (a password reset)
/// is refused, and an open connection of such a user is aborted at its next call.
/// </summary>
public sealed class HubCallerFilter(HubAccess access) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        if (!await access.IsActiveUserAsync(context.Context.User, context.Context.ConnectionAborted))
        {
            throw new HubException("Your session has ended: sign in again.");
        }

        await next(context);
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var connection = invocationContext.Context;
        if (!await access.IsActiveUserAsync(connection.User, connection.ConnectionAborted))
        {
            connection.Abort();
            throw new HubException("Your session has ended: sign in again.");
        }

        return await next(invocationContext);
    }
}
