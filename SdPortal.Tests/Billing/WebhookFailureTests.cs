using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Tests.Billing.Support;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Billing;

/// <summary>R5: no event is lost when storage or a handler fails, nor when the event has another API version.</summary>
public sealed class WebhookFailureTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task R5_StorageDown_Answers5xx_ThenRedeliveryIsStoredAndCreditedOnce(DatabaseProvider provider)
    {
        var outage = new TableOutage("StripeEvents");
        await using var host = await BillingHost.StartAsync(provider, services: outage.Register);
        var (tenant, customer) = await host.CreateCustomerTenantAsync("r5-store");
        var body = StripePayloads.Event("evt_r5_store", "checkout.session.completed", 1_800_000_000,
            StripePayloads.Session("cs_r5_store", customer, tenant, "paid"));

        outage.Down = true;
        using var during = await host.DeliverAsync(body);
        outage.Down = false;
        var storedDuring = await host.StoredEventsAsync("evt_r5_store");
        using var redelivered = await host.DeliverAsync(body);
        var row = await host.WaitProcessedAsync("evt_r5_store");
        using var again = await host.DeliverAsync(body);

        output.WriteLine($"R5 [{provider}] storage down: HTTP {(int)during.StatusCode}, stored {storedDuring}; redelivery HTTP {(int)redelivered.StatusCode}, " +
                         $"processed = {row.ProcessedAtUtc is not null}; events lost = {(row.ProcessedAtUtc is null ? 1 : 0)}; " +
                         $"credits = {await host.StripeGrantedAsync(tenant)} (pack {StripePayloads.PackCredits}); raw payload stored = {(row.Payload == body ? 100 : 0)} %");
        Assert.True((int)during.StatusCode >= 500);
        Assert.Equal(0, storedDuring);
        Assert.True(redelivered.IsSuccessStatusCode);
        Assert.True(again.IsSuccessStatusCode);
        Assert.Equal(body, row.Payload);
        Assert.Equal(StripePayloads.PackCredits, await host.StripeGrantedAsync(tenant));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task R5_HandlerFailure_LeavesTheEventStoredWithItsError_AndTheSweeperRetriesIt(DatabaseProvider provider)
    {
        var outage = new TableOutage("CreditLedger");
        await using var host = await BillingHost.StartAsync(provider, services: outage.Register);
        var (tenant, customer) = await host.CreateCustomerTenantAsync("r5-handler");
        var body = StripePayloads.Event("evt_r5_handler", "invoice.paid", 1_800_000_000,
            StripePayloads.Invoice("in_r5", customer, "sub_r5"));

        outage.Down = true;
        using var response = await host.DeliverAsync(body);
        var failedRow = await WaitForErrorAsync(host, "evt_r5_handler");
        outage.Down = false;
        var row = await host.WaitProcessedAsync("evt_r5_handler");
        using var duplicate = await host.DeliverAsync(body);
        await Task.Delay(300);

        var granted = await host.StripeGrantedAsync(tenant);
        output.WriteLine($"R5 [{provider}] handler failed {outage.Failed}× (\"{failedRow.LastError}\"), answered HTTP {(int)response.StatusCode}; " +
                         $"processed on attempt {row.Attempts}; events lost = 0; duplicate grants = {granted / StripePayloads.ProMonthlyCredits - 1}; " +
                         $"raw payload stored = {(row.Payload == body ? 100 : 0)} %");
        Assert.True(response.IsSuccessStatusCode);
        Assert.Null(failedRow.ProcessedAtUtc);
        Assert.Contains("Simulated outage", failedRow.LastError, StringComparison.Ordinal);
        Assert.True(row.Attempts >= 2);
        Assert.Null(row.LastError);
        Assert.Equal(StripePayloads.ProMonthlyCredits, granted);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task R5_EventOfAnotherApiVersion_IsStoredAndProcessedFromItsRawJson(DatabaseProvider provider)
    {
        await using var host = await BillingHost.StartAsync(provider);
        var (tenant, customer) = await host.CreateCustomerTenantAsync("r5-version");
        // An old-shape invoice (price on the line, subscription at the top) under an API version without a release train.
        var invoice = StripePayloads.Invoice("in_r5_old", customer, "sub_old");
        invoice.Remove("parent");
        invoice["subscription"] = "sub_old";
        invoice["lines"]!["data"]![0]!.AsObject().Remove("pricing");
        invoice["lines"]!["data"]![0]!["price"] = new System.Text.Json.Nodes.JsonObject { ["id"] = StripePayloads.ProPrice };
        var body = StripePayloads.Event("evt_r5_version", "invoice.paid", 1_800_000_000, invoice, apiVersion: "2019-02-19");

        using var response = await host.DeliverAsync(body);
        var row = await host.WaitProcessedAsync("evt_r5_version");

        output.WriteLine($"R5 [{provider}] API version 2019-02-19: HTTP {(int)response.StatusCode}, stored and processed, " +
                         $"credits = {await host.StripeGrantedAsync(tenant)}, raw payload stored = {(row.Payload == body ? 100 : 0)} %");
        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal(body, row.Payload);
        Assert.Equal(StripePayloads.ProMonthlyCredits, await host.StripeGrantedAsync(tenant));
    }

    private static async Task<SdPortal.Data.Billing.ProcessedStripeEvent> WaitForErrorAsync(BillingHost host, string eventId)
    {
        for (var i = 0; i < 400; i++)
        {
            var row = await host.WithDbAsync(null, db => db.StripeEvents.AsNoTracking().SingleOrDefaultAsync(e => e.EventId == eventId));
            if (row?.LastError is not null)
            {
                return row;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{eventId} never recorded an error.");
    }
}
