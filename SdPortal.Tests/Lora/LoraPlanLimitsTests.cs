using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Tests.Billing.Support;
using SdPortal.Tests.Support;
using SdPortal.Web.Billing.Configuration;
using static SdPortal.Tests.Lora.LoraTestFiles;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Lora;

/// <summary>The adapter limits flow like the others: plan → tenant limits, the operator's limits route, the tenant's view.</summary>
public sealed class LoraPlanLimitsTests
{
    [Theory]
    [InlineData(null, null, 5)]
    [InlineData(null, "price_pro", 50)]
    [InlineData(12, "price_pro", 12)]
    [InlineData(0, null, 0)]
    public void LoraPlan_MaxAdaptersUnset_IsFiveOnAFreePlanAndFiftyOnAPaidOne(int? configured, string? price, int expected)
    {
        var plan = new PlanOptions { Key = "p", Name = "P", MaxAdapters = configured, StripePriceId = price };

        Assert.Equal(expected, plan.EffectiveMaxAdapters);
        Assert.Equal(256L * 1024 * 1024, plan.MaxAdapterBytes);
    }

    [Fact]
    public async Task LoraLimits_TheOperatorSetsThem_TheTenantSeesThem_UploadsFollowThem_AndLeftOutTheyStay()
    {
        const string operatorEmail = "ops@loras.test";
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings(("Portal:Operators:0", operatorEmail)));
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Limited Loras");
        await portal.RegisterTenantAsync("Ops", operatorEmail);
        using var ops = await portal.LoginAsync(operatorEmail);
        var route = U($"/api/v1/admin/tenants/{tenant.TenantId}/limits");
        object Limits(int? maxAdapters, long? maxAdapterBytes) => new
        {
            monthlyIncludedCredits = 500,
            maxConcurrentJobs = 2,
            maxImageSide = 768,
            maxSteps = 50,
            maxBatch = 4,
            allowedModels = Array.Empty<string>(),
            maxAdapters,
            maxAdapterBytes,
        };

        var file = Valid(portal);
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync(route, Limits(1, file.Length))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ops.PutAsJsonAsync(route, Limits(-1, null))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ops.PutAsJsonAsync(route, Limits(null, 0))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync(route, Limits(null, null))).StatusCode);

        var limits = (await PortalWebFactory.GetJsonAsync(owner, "/api/v1/tenant")).GetProperty("limits");
        Assert.Equal((1, (long)file.Length), (limits.GetProperty("maxAdapters").GetInt32(), limits.GetProperty("maxAdapterBytes").GetInt64()));
        await UploadedAsync(owner, file, "only-one");
        await FieldErrorAsync(await UploadAsync(owner, Valid(portal, seed: 2), "second"), HttpStatusCode.Conflict, "file");
        await FieldErrorAsync(await UploadAsync(owner, new byte[file.Length + 1], "too-big"), HttpStatusCode.RequestEntityTooLarge, "file");
    }

    [Fact]
    public async Task LoraPlan_ASubscriptionToAPaidPlan_GivesItsAdapterLimits_ItsEndGivesTheFreePlansBack()
    {
        await using var host = await BillingHost.StartAsync(DatabaseProvider.Sqlite);
        var (tenant, customer) = await host.CreateCustomerTenantAsync("adapter-plan");
        var sub = $"sub_{customer}";
        const long t0 = 1_800_000_000;
        async Task<(int, long)> LimitsAsync() => await host.WithDbAsync(tenant, async db =>
        {
            var limits = await db.TenantLimits.AsNoTracking().SingleAsync();
            return (limits.MaxAdapters, limits.MaxAdapterBytes);
        });

        var free = await LimitsAsync();
        await host.DeliverAndProcessAsync(StripePayloads.Event("evt_a1", "customer.subscription.updated", t0, StripePayloads.Subscription(sub, customer, "active", t0)), "evt_a1");
        var pro = await LimitsAsync();
        await host.DeliverAndProcessAsync(StripePayloads.Event("evt_a2", "customer.subscription.deleted", t0 + 60, StripePayloads.Subscription(sub, customer, "canceled", t0)), "evt_a2");
        var after = await LimitsAsync();

        // The test plans set no adapter limits: "pro" has a Stripe price (50), "free" has none (5); both 256 MiB.
        Assert.Equal((5, 256L << 20), free);
        Assert.Equal((PlanOptions.PaidPlanMaxAdapters, 256L << 20), pro);
        Assert.Equal(free, after);
    }
}
