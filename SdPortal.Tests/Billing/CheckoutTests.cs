using System.Net;
using System.Net.Http.Json;
using SdPortal.Data;
using SdPortal.Tests.Billing.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Billing;

/// <summary>Checkout and customer portal against a local fake of Stripe's API.</summary>
public sealed class CheckoutTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Checkout_CreatesTheCustomerOnce_WithTenantMetadata_AndAnIdempotencyKeyOnEveryCreate()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        await using var host = await BillingHost.StartAsync(DatabaseProvider.Sqlite, stripe.ApiBase);
        var (tenant, owner) = await host.RegisterOwnerAsync("Acme Studio");

        using var pack = await owner.PostAsJsonAsync("/api/v1/billing/checkout", new { kind = "pack", key = "small" });
        using var plan = await owner.PostAsJsonAsync("/api/v1/billing/checkout", new { kind = "subscription", key = "pro" });
        using var portal = await owner.PostAsync(new Uri("/api/v1/billing/portal", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, pack.StatusCode);
        Assert.StartsWith("https://checkout.stripe.test/", (await pack.Content.ReadFromJsonAsync<Redirect>())!.Url, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, plan.StatusCode);
        Assert.StartsWith("https://billing.stripe.test/", (await portal.Content.ReadFromJsonAsync<Redirect>())!.Url, StringComparison.Ordinal);

        var customers = stripe.CallsTo("/v1/customers");
        var sessions = stripe.CallsTo("/v1/checkout/sessions");
        var portals = stripe.CallsTo("/v1/billing_portal/sessions");
        output.WriteLine($"customers created = {customers.Count}; sessions = {sessions.Count}; keys = " +
                         string.Join(", ", stripe.Calls.Select(c => c.IdempotencyKey)));
        var customer = Assert.Single(customers);
        Assert.Equal($"customer:{tenant:N}", customer.IdempotencyKey);
        Assert.Equal(tenant.ToString(), customer.Form["metadata[tenant_id]"]);
        Assert.Equal("Bearer sk_test_portal", customer.Authorization);
        Assert.Equal(2, sessions.Count);
        Assert.All(stripe.Calls, c => Assert.False(string.IsNullOrEmpty(c.IdempotencyKey)));
        Assert.Equal(stripe.Calls.Count, stripe.Calls.Select(c => c.IdempotencyKey).Distinct().Count());
        Assert.All(sessions, s =>
        {
            Assert.Equal("cus_1", s.Form["customer"]);
            Assert.Equal(tenant.ToString(), s.Form["client_reference_id"]);
            Assert.Equal(tenant.ToString(), s.Form["metadata[tenant_id]"]);
            Assert.StartsWith($"checkout:{tenant:N}:", s.IdempotencyKey, StringComparison.Ordinal);
        });
        Assert.Equal(("payment", StripePayloads.PackPrice, "small"), (sessions[0].Form["mode"], sessions[0].Form["line_items[0][price]"], sessions[0].Form["metadata[pack]"]));
        Assert.Equal(tenant.ToString(), sessions[0].Form["payment_intent_data[metadata][tenant_id]"]);
        Assert.Equal(("subscription", StripePayloads.ProPrice), (sessions[1].Form["mode"], sessions[1].Form["line_items[0][price]"]));
        Assert.Equal(tenant.ToString(), sessions[1].Form["subscription_data[metadata][tenant_id]"]);
        Assert.Equal("cus_1", Assert.Single(portals).Form["customer"]);
    }

    [Fact]
    public async Task Checkout_RepeatedWithTheSameIdempotencyKeyHeader_ReturnsTheSameSession()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        await using var host = await BillingHost.StartAsync(DatabaseProvider.Sqlite, stripe.ApiBase);
        var (_, owner) = await host.RegisterOwnerAsync("Double Click");

        var urls = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/billing/checkout") { Content = JsonContent.Create(new { kind = "pack", key = "small" }) };
            request.Headers.Add("Idempotency-Key", "click-1");
            using var response = await owner.SendAsync(request);
            urls.Add((await response.Content.ReadFromJsonAsync<Redirect>())!.Url);
        }

        Assert.Equal(urls[0], urls[1]);
    }

    [Fact]
    public async Task Checkout_RejectsUnknownProducts_Anonymous_AndReportsTheCatalog()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        await using var host = await BillingHost.StartAsync(DatabaseProvider.Sqlite, stripe.ApiBase);
        var (_, owner) = await host.RegisterOwnerAsync("Catalog");

        using var unknown = await owner.PostAsJsonAsync("/api/v1/billing/checkout", new { kind = "pack", key = "huge" });
        using var freePlan = await owner.PostAsJsonAsync("/api/v1/billing/checkout", new { kind = "subscription", key = "free" });
        using var badKind = await owner.PostAsJsonAsync("/api/v1/billing/checkout", new { kind = "gift", key = "small" });
        using var anonymous = await host.Client.PostAsJsonAsync("/api/v1/billing/checkout", new { kind = "pack", key = "small" });
        var summary = await owner.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/billing");

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (unknown.StatusCode, freePlan.StatusCode, badKind.StatusCode));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Empty(stripe.Calls);
        Assert.True(summary.GetProperty("purchasesEnabled").GetBoolean());
        Assert.Equal(100, summary.GetProperty("credits").GetInt64());
        Assert.Equal("free", summary.GetProperty("plan").GetString());
        Assert.Equal("pro", summary.GetProperty("plans")[0].GetProperty("key").GetString());
    }

    [Fact]
    public async Task SubscriptionCheckout_WhenASubscriptionIsLive_Answers409WithoutCallingStripe()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        await using var host = await BillingHost.StartAsync(DatabaseProvider.Sqlite, stripe.ApiBase);
        var (tenant, owner) = await host.RegisterOwnerAsync("Already Pro");
        await host.WithDbAsync(tenant, db =>
        {
            db.BillingSubscriptions.Add(new SdPortal.Data.Billing.BillingSubscription { StripeSubscriptionId = "sub_live", Status = "active", PlanKey = "pro" });
            return db.SaveChangesAsync();
        });

        using var second = await owner.PostAsJsonAsync("/api/v1/billing/checkout", new { kind = "subscription", key = "pro" });
        using var pack = await owner.PostAsJsonAsync("/api/v1/billing/checkout", new { kind = "pack", key = "small" });

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.OK), (second.StatusCode, pack.StatusCode));
        Assert.Single(stripe.CallsTo("/v1/checkout/sessions"));
    }

    private sealed record Redirect(string Url);
}
