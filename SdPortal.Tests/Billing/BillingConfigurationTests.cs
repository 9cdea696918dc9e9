using System.Net;
using System.Net.Http.Json;
using SdPortal.Data;
using SdPortal.Tests.Billing.Support;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Billing;

/// <summary>The portal boots without billing, and refuses a billing configuration that cannot be right.</summary>
public sealed class BillingConfigurationTests
{
    [Fact]
    public async Task Unconfigured_PortalBoots_PurchasesAnswer503_AndTheWebhookRejectsEverything()
    {
        await using var host = await BillingHost.StartAsync(DatabaseProvider.Sqlite, settings: new Dictionary<string, string?>
        {
            ["Stripe:SecretKey"] = string.Empty,
            ["Stripe:WebhookSecret"] = string.Empty,
        });
        var (tenant, owner) = await host.RegisterOwnerAsync("No Billing");
        var body = StripePayloads.Event("evt_off", "checkout.session.completed", 1, StripePayloads.Session("cs_off", "cus_x", tenant, "paid"));

        using var checkout = await owner.PostAsJsonAsync("/api/v1/billing/checkout", new { kind = "pack", key = "small" });
        using var portal = await owner.PostAsync(new Uri("/api/v1/billing/portal", UriKind.Relative), null);
        using var webhook = await host.DeliverAsync(body, host.Sign(body, secret: BillingHost.WebhookSecret));
        var summary = await owner.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/billing");

        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable), (checkout.StatusCode, portal.StatusCode));
        Assert.Contains("not configured", await checkout.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, webhook.StatusCode);
        Assert.Equal(0, await host.StoredEventsAsync());
        Assert.False(summary.GetProperty("purchasesEnabled").GetBoolean());
    }

    [Fact]
    public async Task Boot_WithDuplicatePackKeys_FailsNamingTheSetting()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?>
        {
            ["Billing:Packs:0:Key"] = "small",
            ["Billing:Packs:0:Name"] = "A",
            ["Billing:Packs:0:Credits"] = "1",
            ["Billing:Packs:0:StripePriceId"] = "price_a",
            ["Billing:Packs:1:Key"] = "small",
            ["Billing:Packs:1:Name"] = "B",
            ["Billing:Packs:1:Credits"] = "2",
            ["Billing:Packs:1:StripePriceId"] = "price_b",
        });

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => portal.CreateClient());

        Assert.Contains("Billing:Packs", error.Message, StringComparison.Ordinal);
    }
}
