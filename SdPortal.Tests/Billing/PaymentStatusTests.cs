using SdPortal.Data;
using SdPortal.Tests.Billing.Support;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Billing;

/// <summary>R6: only paid sessions grant credits; a delayed payment grants when it succeeds and never when it fails.</summary>
public sealed class PaymentStatusTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task R6_UnpaidCompletion_GrantsNothing_ThenAsyncSuccessGrantsThePack_AndAsyncFailureNothing(DatabaseProvider provider)
    {
        await using var host = await BillingHost.StartAsync(provider);
        var (succeeds, succeedsCustomer) = await host.CreateCustomerTenantAsync("r6-succeeds");
        var (fails, failsCustomer) = await host.CreateCustomerTenantAsync("r6-fails");
        const long t = 1_800_000_000;

        await host.DeliverAndProcessAsync(StripePayloads.Event("evt_r6_a1", "checkout.session.completed", t,
            StripePayloads.Session("cs_r6_a", succeedsCustomer, succeeds, "unpaid")), "evt_r6_a1");
        var unpaid = await host.StripeGrantedAsync(succeeds);
        await host.DeliverAndProcessAsync(StripePayloads.Event("evt_r6_a2", "checkout.session.async_payment_succeeded", t + 60,
            StripePayloads.Session("cs_r6_a", succeedsCustomer, succeeds, "paid")), "evt_r6_a2");
        var succeeded = await host.StripeGrantedAsync(succeeds);

        await host.DeliverAndProcessAsync(StripePayloads.Event("evt_r6_b1", "checkout.session.completed", t,
            StripePayloads.Session("cs_r6_b", failsCustomer, fails, "unpaid")), "evt_r6_b1");
        await host.DeliverAndProcessAsync(StripePayloads.Event("evt_r6_b2", "checkout.session.async_payment_failed", t + 60,
            StripePayloads.Session("cs_r6_b", failsCustomer, fails, "unpaid")), "evt_r6_b2");
        var failed = await host.StripeGrantedAsync(fails);

        output.WriteLine($"R6 [{provider}] credits: unpaid = {unpaid}, succeeded = {succeeded} (pack = {StripePayloads.PackCredits}), failed = {failed}");
        Assert.Equal((0L, (long)StripePayloads.PackCredits, 0L), (unpaid, succeeded, failed));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Refund_ReversesThePackOnce_EvenWhenDeliveredTwice(DatabaseProvider provider)
    {
        await using var host = await BillingHost.StartAsync(provider);
        var (tenant, customer) = await host.CreateCustomerTenantAsync("refund");
        await host.DeliverAndProcessAsync(StripePayloads.Event("evt_rf_1", "checkout.session.completed", 1_800_000_000,
            StripePayloads.Session("cs_rf", customer, tenant, "paid")), "evt_rf_1");
        var afterGrant = await host.BalanceAsync(tenant);

        await host.DeliverAndProcessAsync(StripePayloads.Event("evt_rf_2", "charge.refunded", 1_800_000_100,
            StripePayloads.Charge("ch_rf", customer, "pi_cs_rf", 1900, 950)), "evt_rf_2");
        var afterHalf = await host.BalanceAsync(tenant);
        foreach (var id in new[] { "evt_rf_3", "evt_rf_4" })
        {
            await host.DeliverAndProcessAsync(StripePayloads.Event(id, "charge.refunded", 1_800_000_200,
                StripePayloads.Charge("ch_rf", customer, "pi_cs_rf", 1900, 1900)), id);
        }

        var afterFull = await host.BalanceAsync(tenant);
        output.WriteLine($"[{provider}] balance after grant {afterGrant}, half refund {afterHalf}, full refund delivered twice {afterFull}");
        Assert.Equal((500L, 250L, 0L), (afterGrant, afterHalf, afterFull));
    }
}
