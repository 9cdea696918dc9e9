using SdPortal.Data.Billing;

namespace SdPortal.Web.Billing.Purchases;

/// <summary>What to buy: <c>kind</c> is "pack" or "subscription", <c>key</c> a configured pack or plan.</summary>
public sealed record CheckoutRequest(string? Kind, string? Key);

/// <summary>The values of <see cref="CheckoutRequest.Kind"/>.</summary>
public static class CheckoutKinds
{
    public const string Pack = "pack";
    public const string Subscription = "subscription";
}

/// <summary>Where to send the browser.</summary>
public sealed record RedirectResponse(string Url);

public sealed record ProductResponse(string Key, string Name, int Credits);

public sealed record SubscriptionResponse(string Id, string Status, string? Plan, DateTime? CurrentPeriodEndUtc);

public sealed record GrantResponse(string Source, BillingGrantKind Kind, string Product, long Credits, long ReversedCredits,
    long AmountPaid, string? Currency, DateTime CreatedAtUtc);

/// <summary>The tenant's billing: balance, plan, subscription state, recent grants, and what can be bought.</summary>
public sealed record BillingResponse(
    bool PurchasesEnabled,
    long Credits,
    string Plan,
    bool PastDue,
    SubscriptionResponse? Subscription,
    IReadOnlyList<GrantResponse> RecentGrants,
    IReadOnlyList<ProductResponse> Plans,
    IReadOnlyList<ProductResponse> Packs);
