using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Web.Api;
using SdPortal.Web.Api.Access;
using SdPortal.Web.Billing.Configuration;
using SdPortal.Web.Billing.Gateway;
using SdPortal.Web.Hosting;
using Stripe;

namespace SdPortal.Web.Billing.Purchases;

/// <summary>
/// Creates Checkout and customer-portal sessions for the caller's tenant. The tenant comes from the authenticated
/// caller, never from the body; a client <c>Idempotency-Key</c> header makes a retried click return the same session.
/// </summary>
internal sealed class CheckoutHandler(
    PortalCaller caller,
    PortalDbContext db,
    BillingCustomers customers,
    IStripeGateway stripe,
    IOptions<BillingOptions> billing,
    IOptions<StripeOptions> stripeOptions,
    PublicUrl publicUrl,
    ILogger<CheckoutHandler> logger)
{
    public Task<IResult> CreateAsync(CheckoutRequest request, HttpContext http) =>
        CreateAsync(request, http.Request.Headers[IdempotencyKey.Header].ToString(), http.RequestAborted);

    /// <summary>
    /// Starts a Checkout Session that returns to the Billing page at the public URL; <paramref name="clientKey"/> is an
    /// optional idempotency key of the client's.
    /// </summary>
    public async Task<IResult> CreateAsync(CheckoutRequest request, string clientKey, CancellationToken cancellationToken)
    {
        if (!stripeOptions.Value.CanCallApi)
        {
            return NotConfigured();
        }

        var (kind, priceId, errors) = Resolve(request);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        if (kind == CheckoutKind.Subscription && await HasLiveSubscriptionAsync(cancellationToken))
        {
            return ApiProblems.Conflict("The tenant already has a subscription; change or cancel it in the customer portal.");
        }

        if (clientKey.Length > 100)
        {
            return new FieldErrors().Require(false, IdempotencyKey.Header, "At most 100 characters.").ToResult();
        }

        var attempt = clientKey.Length > 0 ? clientKey : Guid.NewGuid().ToString("N");
        return await CallStripeAsync(async ct =>
        {
            var customer = await customers.EnsureAsync(caller.TenantId, caller.UserId, ct);
            var session = await stripe.CreateCheckoutSessionAsync(
                new NewCheckoutSession(caller.TenantId, customer, kind, request.Key!, priceId!,
                    publicUrl.For("/billing?checkout=success"), publicUrl.For("/billing?checkout=canceled")),
                $"checkout:{caller.TenantId:N}:{attempt}", ct);
            return TypedResults.Ok(new RedirectResponse(session.Url));
        }, cancellationToken);
    }

    /// <summary>Opens Stripe's customer portal for the tenant, returning to the Billing page.</summary>
    public async Task<IResult> CreatePortalAsync(CancellationToken cancellationToken)
    {
        if (!stripeOptions.Value.CanCallApi)
        {
            return NotConfigured();
        }

        var returnUrl = publicUrl.For("/billing");
        return await CallStripeAsync(async ct =>
        {
            var customer = await customers.EnsureAsync(caller.TenantId, caller.UserId, ct);
            var session = await stripe.CreatePortalSessionAsync(customer, returnUrl, $"portal:{caller.TenantId:N}:{Guid.NewGuid():N}", ct);
            return TypedResults.Ok(new RedirectResponse(session.Url));
        }, cancellationToken);
    }

    private (CheckoutKind Kind, string? PriceId, FieldErrors Errors) Resolve(CheckoutRequest request)
    {
        var errors = new FieldErrors();
        var options = billing.Value;
        switch (request.Kind)
        {
            case CheckoutKinds.Pack:
                var pack = request.Key is null ? null : options.FindPack(request.Key);
                errors.Require(pack is not null, "key", "Choose one of the configured credit packs.");
                return (CheckoutKind.Pack, pack?.StripePriceId, errors);
            case CheckoutKinds.Subscription:
                var plan = request.Key is null ? null : options.FindPlan(request.Key);
                errors.Require(!string.IsNullOrEmpty(plan?.StripePriceId), "key", "Choose one of the plans that can be bought.");
                return (CheckoutKind.Subscription, plan?.StripePriceId, errors);
            default:
                errors.Add("kind", "Kind is \"pack\" or \"subscription\".");
                return (CheckoutKind.Pack, null, errors);
        }
    }

    private Task<bool> HasLiveSubscriptionAsync(CancellationToken ct) =>
        db.BillingSubscriptions.AnyAsync(s => !s.IsTerminal && s.Status != "incomplete", ct);

    private async Task<IResult> CallStripeAsync(Func<CancellationToken, Task<IResult>> call, CancellationToken ct)
    {
        try
        {
            return await call(ct);
        }
        catch (StripeException ex)
        {
            logger.LogError(ex, "Stripe refused a billing call for tenant {TenantId}: {StripeError}", caller.TenantId, ex.StripeError?.Message);
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Stripe is unavailable",
                detail: "The payment provider did not accept the request; try again in a moment.");
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotConfigured() => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Billing is not configured", detail: "This portal has no Stripe key (Stripe:SecretKey); purchases are disabled.");
}
