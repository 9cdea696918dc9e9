using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Tests.Billing.Support;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Billing;

/// <summary>R4: subscription state follows Stripe's whatever order the events arrive in.</summary>
public sealed class SubscriptionOrderTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task R4_AllPermutationsOfCreatedUpdatedPaidDeleted_EndCanceledWithThePaidCreditsOnce(DatabaseProvider provider)
    {
        await using var host = await BillingHost.StartAsync(provider);
        var permutations = Permutations(["created", "updated", "paid", "deleted"]).ToList();
        var matches = 0;
        for (var p = 0; p < permutations.Count; p++)
        {
            var (tenant, customer) = await host.CreateCustomerTenantAsync($"r4-{p}");
            var events = Lifecycle(p, customer, t0: 1_800_000_000, deleted: true);
            foreach (var step in permutations[p])
            {
                await host.DeliverAndProcessAsync(events[step].Body, events[step].Id);
            }

            var state = await ReadStateAsync(host, tenant);
            var ok = state is { Status: "canceled", Terminal: true, Plan: "free", Granted: StripePayloads.ProMonthlyCredits, MaxConcurrentJobs: 2 };
            matches += ok ? 1 : 0;
            output.WriteLine($"{string.Join(" → ", permutations[p]),-36} {state} {(ok ? "ok" : "MISMATCH")}");
        }

        output.WriteLine($"R4 [{provider}] permutations where the final state matches Stripe's = {matches}/{permutations.Count}");
        Assert.Equal(24, permutations.Count);
        Assert.Equal(permutations.Count, matches);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AllPermutationsOfCreatedUpdatedPaid_EndOnTheProPlanWithItsLimits(DatabaseProvider provider)
    {
        await using var host = await BillingHost.StartAsync(provider);
        var permutations = Permutations(["created", "updated", "paid"]).ToList();
        var matches = 0;
        for (var p = 0; p < permutations.Count; p++)
        {
            var (tenant, customer) = await host.CreateCustomerTenantAsync($"live-{p}");
            var events = Lifecycle(p, customer, t0: 1_800_000_000, deleted: false);
            foreach (var step in permutations[p])
            {
                await host.DeliverAndProcessAsync(events[step].Body, events[step].Id);
            }

            var state = await ReadStateAsync(host, tenant);
            matches += state is { Status: "active", Terminal: false, Plan: "pro", Granted: StripePayloads.ProMonthlyCredits, MaxConcurrentJobs: 6 } ? 1 : 0;
            output.WriteLine($"{string.Join(" → ", permutations[p]),-28} {state}");
        }

        output.WriteLine($"[{provider}] live-subscription permutations matching Stripe = {matches}/{permutations.Count}");
        Assert.Equal(permutations.Count, matches);
    }

    private static Dictionary<string, (string Id, string Body)> Lifecycle(int p, string customer, long t0, bool deleted)
    {
        var sub = $"sub_{customer}";
        var events = new Dictionary<string, (string Id, string Body)>
        {
            ["created"] = ($"evt_{p}_created", StripePayloads.Event($"evt_{p}_created", "customer.subscription.created", t0,
                StripePayloads.Subscription(sub, customer, "incomplete", t0))),
            ["updated"] = ($"evt_{p}_updated", StripePayloads.Event($"evt_{p}_updated", "customer.subscription.updated", t0 + 1,
                StripePayloads.Subscription(sub, customer, "active", t0))),
            ["paid"] = ($"evt_{p}_paid", StripePayloads.Event($"evt_{p}_paid", "invoice.paid", t0 + 1,
                StripePayloads.Invoice($"in_{customer}", customer, sub))),
        };
        if (deleted)
        {
            events["deleted"] = ($"evt_{p}_deleted", StripePayloads.Event($"evt_{p}_deleted", "customer.subscription.deleted", t0 + 90,
                StripePayloads.Subscription(sub, customer, "canceled", t0)));
        }

        return events;
    }

    private sealed record State(string? Status, bool Terminal, string Plan, long Granted, int MaxConcurrentJobs);

    private static async Task<State> ReadStateAsync(BillingHost host, Guid tenant) => await host.WithDbAsync(tenant, async db =>
    {
        var sub = await db.BillingSubscriptions.AsNoTracking().SingleOrDefaultAsync();
        var plan = await db.Tenants.Where(t => t.Id == tenant).Select(t => t.Plan).SingleAsync();
        var limits = await db.TenantLimits.AsNoTracking().SingleAsync();
        return new State(sub?.Status, sub?.IsTerminal ?? false, plan, await host.StripeGrantedAsync(tenant), limits.MaxConcurrentJobs);
    });

    private static IEnumerable<string[]> Permutations(string[] items) => items.Length <= 1
        ? [items]
        : items.SelectMany((item, i) => Permutations([.. items[..i], .. items[(i + 1)..]]).Select(rest => (string[])[item, .. rest]));
}
