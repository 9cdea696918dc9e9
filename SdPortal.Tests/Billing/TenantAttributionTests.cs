using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Tests.Billing.Support;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Billing;

/// <summary>R7: the credited tenant comes from server-side data, never from the browser or a forged hint.</summary>
public sealed class TenantAttributionTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task R7_TamperedUrlsAndClientTenantHints_CreditNobodyElse(DatabaseProvider provider)
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        await using var host = await BillingHost.StartAsync(provider, stripe.ApiBase);
        var (tenantA, ownerA) = await host.RegisterOwnerAsync("Tenant A");
        var (tenantB, _) = await host.RegisterOwnerAsync("Tenant B");

        // The client names B in the body and in X-Tenant: the first is ignored, the second is not A's tenant.
        using var hinted = await ownerA.PostAsJsonAsync("/api/v1/billing/checkout",
            new { kind = "pack", key = "small", tenantId = tenantB, client_reference_id = tenantB, metadata = new { tenant_id = tenantB } });
        using var viaHeader = new HttpRequestMessage(HttpMethod.Post, "/api/v1/billing/checkout") { Content = JsonContent.Create(new { kind = "pack", key = "small" }) };
        viaHeader.Headers.Add("X-Tenant", tenantB.ToString());
        using var headerResponse = await ownerA.SendAsync(viaHeader);
        var session = Assert.Single(stripe.CallsTo("/v1/checkout/sessions"));
        var customerA = session.Form["customer"];
        Assert.Equal(HttpStatusCode.OK, hinted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, headerResponse.StatusCode);
        Assert.Equal((tenantA.ToString(), tenantA.ToString()), (session.Form["metadata[tenant_id]"], session.Form["client_reference_id"]));

        // The success URL with a tampered query grants nothing: only the webhook does.
        using var success = await ownerA.GetAsync(new Uri($"/billing?checkout=success&tenant={tenantB}&session_id=cs_test_1&credits=99999", UriKind.Relative));
        const long t = 1_800_000_000;
        var forged = new[]
        {
            // Metadata naming B on A's customer (as if someone had changed it in Stripe): nobody is credited.
            ("evt_r7_meta", StripePayloads.Session("cs_r7_meta", customerA, tenantB, "paid")),
            // An unknown customer whose client_reference_id names B: nobody is credited.
            ("evt_r7_ref", StripePayloads.Session("cs_r7_ref", "cus_attacker", tenantB, "paid")),
        };
        foreach (var (id, obj) in forged)
        {
            using var response = await host.DeliverAsync(StripePayloads.Event(id, "checkout.session.completed", t, obj));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await host.DeliverAndProcessAsync(StripePayloads.Event("evt_r7_real", "checkout.session.completed", t,
            StripePayloads.Session("cs_test_1", customerA, tenantA, "paid")), "evt_r7_real");
        var errors = await WaitForErrorsAsync(host, "evt_r7_meta", "evt_r7_ref");

        var (grantedA, grantedB) = (await host.StripeGrantedAsync(tenantA), await host.StripeGrantedAsync(tenantB));
        var wrongTenantGrants = (grantedB > 0 ? 1 : 0) + (grantedA > StripePayloads.PackCredits ? 1 : 0);
        output.WriteLine($"R7 [{provider}] success URL HTTP {(int)success.StatusCode}; X-Tenant of another tenant HTTP {(int)headerResponse.StatusCode}; " +
                         $"forged events left unprocessed: {string.Join(" | ", errors)}");
        output.WriteLine($"R7 [{provider}] credits A = {grantedA} (one pack), B = {grantedB}; wrong-tenant grants = {wrongTenantGrants}");
        Assert.Equal(0, wrongTenantGrants);
        Assert.Equal(StripePayloads.PackCredits, grantedA);
        Assert.Equal(100, await host.BalanceAsync(tenantB));
    }

    private static async Task<List<string>> WaitForErrorsAsync(BillingHost host, params string[] eventIds)
    {
        for (var i = 0; i < 400; i++)
        {
            var rows = await host.WithDbAsync(null, db => db.StripeEvents.AsNoTracking()
                .Where(e => eventIds.Contains(e.EventId) && e.LastError != null && e.ProcessedAtUtc == null).ToListAsync());
            if (rows.Count == eventIds.Length)
            {
                return [.. rows.Select(r => $"{r.EventId}: {r.LastError}")];
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The forged events did not fail as expected.");
    }
}
