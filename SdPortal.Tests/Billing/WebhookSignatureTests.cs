using System.Net;
using SdPortal.Data;
using SdPortal.Tests.Billing.Support;
using SdPortal.Tests.Support;
using Stripe;
using Xunit.Abstractions;

namespace SdPortal.Tests.Billing;

/// <summary>R1 (forged webhooks are rejected) and R2 (the 300 s timestamp tolerance, on an injected clock).</summary>
public sealed class WebhookSignatureTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task R1_ForgedWebhooks_AreRejectedWith400_AndStoreAndCreditNothing(DatabaseProvider provider)
    {
        await using var host = await BillingHost.StartAsync(provider);
        var (tenant, customer) = await host.CreateCustomerTenantAsync("r1");
        var body = StripePayloads.Event("evt_r1", "checkout.session.completed", 1_700_000_000,
            StripePayloads.Session("cs_r1", customer, tenant, "paid"));
        var t = host.Clock.GetUtcNow().ToUnixTimeSeconds();
        var valid = EventUtility.ComputeSignature(BillingHost.WebhookSecret, $"{t}", body);
        var ledgerBefore = await host.LedgerRowsAsync();

        var tampered = body.Replace("\"amount_total\":1900", "\"amount_total\":1901", StringComparison.Ordinal);
        Assert.Equal(1, body.Zip(tampered).Count(p => p.First != p.Second));
        var forgeries = new (string Name, string Body, string? Header)[]
        {
            ("wrong secret", body, host.Sign(body, secret: "whsec_not_the_right_one")),
            ("body with 1 byte changed", tampered, host.Sign(body)),
            ("missing header", body, null),
            ("v0-only header", body, $"t={t},v0={valid}"),
            ("empty t=", body, $"t=,v1={EventUtility.ComputeSignature(BillingHost.WebhookSecret, string.Empty, body)}"),
            ("another endpoint's secret", body, host.Sign(body, secret: "whsec_test_mode_other_endpoint")),
        };
        var rejected = 0;
        foreach (var (name, sent, header) in forgeries)
        {
            using var response = await host.DeliverAsync(sent, header);
            output.WriteLine($"{name}: {(int)response.StatusCode}");
            rejected += response.StatusCode == HttpStatusCode.BadRequest ? 1 : 0;
        }

        var ledgerAdded = await host.LedgerRowsAsync() - ledgerBefore;
        var stored = await host.StoredEventsAsync();
        output.WriteLine($"R1 [{provider}] rejected/sent = {rejected}/{forgeries.Length} (HTTP 400), ledger rows added = {ledgerAdded}, events stored = {stored}");
        Assert.Equal(forgeries.Length, rejected);
        Assert.Equal(0, ledgerAdded);
        Assert.Equal(0, stored);

        // Control: the same body signed correctly is accepted and credits the pack, so the rejections above were the signature's doing.
        await host.DeliverAndProcessAsync(body, "evt_r1");
        Assert.Equal(StripePayloads.PackCredits, await host.StripeGrantedAsync(tenant));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task R2_Timestamp_IsAcceptedWithin300Seconds_AndRejectedBeyond(DatabaseProvider provider)
    {
        await using var host = await BillingHost.StartAsync(provider);
        var (tenant, customer) = await host.CreateCustomerTenantAsync("r2");
        var now = DateTimeOffset.FromUnixTimeSeconds(host.Clock.GetUtcNow().ToUnixTimeSeconds());
        host.Clock.Freeze(now);

        var cases = new[] { (Offset: -299, Accept: true), (Offset: -301, Accept: false), (Offset: 301, Accept: false) };
        var (accepted, rejected) = (0, 0);
        foreach (var (offset, _) in cases)
        {
            var body = StripePayloads.Event($"evt_r2_{offset + 1000}", "checkout.session.completed", now.ToUnixTimeSeconds(),
                StripePayloads.Session($"cs_r2_{offset + 1000}", customer, tenant, "paid"));
            using var response = await host.DeliverAsync(body, host.Sign(body, now.ToUnixTimeSeconds() + offset));
            output.WriteLine($"t = now{offset:+#;-#}: {(int)response.StatusCode}");
            accepted += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
            rejected += response.StatusCode == HttpStatusCode.BadRequest ? 1 : 0;
        }

        output.WriteLine($"R2 [{provider}] accept/reject = {accepted}/{rejected} at the 300 s boundary; events stored = {await host.StoredEventsAsync()}");
        Assert.Equal((1, 2), (accepted, rejected));
        Assert.Equal(1, await host.StoredEventsAsync("evt_r2_701"));
        Assert.Equal(1, await host.StoredEventsAsync());
    }
}
