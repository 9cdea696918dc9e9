using SdPortal.Web.Api;
using SdPortal.Web.Api.Access;

namespace SdPortal.Web.Billing.Purchases;

/// <summary><c>/api/v1/billing</c> for the tenant's owners and admins: summary, checkout and the customer portal.</summary>
internal static class BillingEndpoints
{
    public static void MapBillingEndpoints(this RouteGroupBuilder billing)
    {
        billing.MapGet(string.Empty, GetAsync);
        billing.MapPost("/checkout", (CheckoutRequest request, CheckoutHandler handler, HttpContext http) => handler.CreateAsync(request, http));
        billing.MapPost("/portal", (CheckoutHandler handler, CancellationToken ct) => handler.CreatePortalAsync(ct));
    }

    private static async Task<IResult> GetAsync(BillingSummaryReader summaries, CancellationToken ct) =>
        TypedResults.Ok(await summaries.ReadAsync(ct));
}

/// <summary>Only a tenant's owners and admins see and change its billing.</summary>
internal sealed class BillingAdminFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.RequestServices.GetRequiredService<PortalCaller>().IsAdmin
            ? await next(context)
            : ApiProblems.Forbidden("Only the tenant's owners and admins manage billing.");
}
