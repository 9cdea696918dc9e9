using System.Net;
using System.Net.Http.Json;
using SdPortal.Data;
using SdPortal.Tests.Billing.Support;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Billing;

/// <summary>Only a tenant's owners and admins see and buy; members are refused before Stripe is called.</summary>
public sealed class BillingAccessTests
{
    [Fact]
    public async Task Members_AreRefused_AdminsMayBuy()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?>
        {
            ["Stripe:SecretKey"] = "sk_test_portal",
            ["Stripe:ApiBase"] = stripe.ApiBase,
            ["Billing:Packs:0:Key"] = "small",
            ["Billing:Packs:0:Name"] = "Small",
            ["Billing:Packs:0:Credits"] = "500",
            ["Billing:Packs:0:StripePriceId"] = StripePayloads.PackPrice,
        });
        var (_, owner) = await portal.RegisterAndLoginAsync("Roles Studio");
        var (_, member) = await portal.AddMemberAsync(owner, "member@roles.test");
        var (_, admin) = await portal.AddMemberAsync(owner, "admin@roles.test", "Admin");

        using var memberCheckout = await member.PostAsJsonAsync("/api/v1/billing/checkout", new { kind = "pack", key = "small" });
        using var memberSummary = await member.GetAsync(new Uri("/api/v1/billing", UriKind.Relative));
        using var memberPortal = await member.PostAsync(new Uri("/api/v1/billing/portal", UriKind.Relative), null);
        Assert.Equal(
            (HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            (memberCheckout.StatusCode, memberSummary.StatusCode, memberPortal.StatusCode));
        Assert.Empty(stripe.Calls);

        using var adminCheckout = await admin.PostAsJsonAsync("/api/v1/billing/checkout", new { kind = "pack", key = "small" });
        Assert.Equal(HttpStatusCode.OK, adminCheckout.StatusCode);
        Assert.Single(stripe.CallsTo("/v1/checkout/sessions"));
    }
}
