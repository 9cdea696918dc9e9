using SdPortal.Data;
using SdPortal.Tests.Billing.Support;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Billing;

/// <summary>R3: a replayed event, each copy freshly signed, is stored once and credited once.</summary>
public sealed class WebhookReplayTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task R3_SameEvent_FiveTimesInTurnAndTwentyAtOnce_IsCreditedOnce(DatabaseProvider provider)
    {
        await using var host = await BillingHost.StartAsync(provider);
        var (tenant, customer) = await host.CreateCustomerTenantAsync("r3");
        var now = host.Clock.GetUtcNow().ToUnixTimeSeconds();
        var sequential = StripePayloads.Event("evt_r3_seq", "checkout.session.completed", now, StripePayloads.Session("cs_r3_seq", customer, tenant, "paid"));
        var concurrent = StripePayloads.Event("evt_r3_par", "checkout.session.completed", now, StripePayloads.Session("cs_r3_par", customer, tenant, "paid"));

        var statuses = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await host.DeliverAsync(sequential, host.Sign(sequential, now - i));
            statuses.Add((int)response.StatusCode);
        }

        var parallel = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            using var response = await host.DeliverAsync(concurrent, host.Sign(concurrent, now - i));
            return (int)response.StatusCode;
        }));
        statuses.AddRange(parallel);
        await host.WaitProcessedAsync("evt_r3_seq");
        await host.WaitProcessedAsync("evt_r3_par");
        // Let any queued duplicates run through before counting.
        await Task.Delay(500);

        var granted = await host.StripeGrantedAsync(tenant);
        var expected = 2L * StripePayloads.PackCredits;
        var (rowsSeq, rowsPar) = (await host.StoredEventsAsync("evt_r3_seq"), await host.StoredEventsAsync("evt_r3_par"));
        output.WriteLine($"R3 [{provider}] deliveries 5 sequential + 20 concurrent, all 2xx = {statuses.All(s => s == 200)}; " +
                         $"credits granted ÷ expected = {(double)granted / expected:F2}; stored event rows = {rowsSeq} and {rowsPar}");
        Assert.All(statuses, s => Assert.Equal(200, s));
        Assert.Equal(expected, granted);
        Assert.Equal((1, 1), (rowsSeq, rowsPar));
        Assert.Equal(expected, await host.BalanceAsync(tenant));
    }
}
