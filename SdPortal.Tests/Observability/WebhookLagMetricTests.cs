using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Inference.Telemetry;
using SdPortal.Tests.Billing.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Observability;

/// <summary><c>sdportal.billing.webhook.lag</c>: from Stripe's <c>created</c> to the portal marking the event processed.</summary>
public sealed class WebhookLagMetricTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AProcessedEvent_RecordsItsLagFromStripesCreation_TaggedByItsHandledType()
    {
        await using var host = await BillingHost.StartAsync(DatabaseProvider.Sqlite);
        var lags = new ConcurrentQueue<(double Seconds, string? Type)>();
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener
        {
            // This host's instrument only: other hosts' meters of the same name belong to other tests.
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SdPortalTelemetry.PortalMeterName && instrument.Meter.Scope == factory && instrument.Name == "sdportal.billing.webhook.lag")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            string? type = null;
            foreach (var tag in tags)
            {
                type = tag.Key == "event.type" ? tag.Value as string : type;
            }

            lags.Enqueue((value, type));
        });
        listener.Start();
        var (tenant, customer) = await host.CreateCustomerTenantAsync("lag");
        // Stripe created the event 90 s before the portal's clock reads now: that is the lag to record.
        var created = host.Clock.GetUtcNow().ToUnixTimeSeconds() - 90;
        var payload = StripePayloads.Event("evt_lag", "checkout.session.completed", created, StripePayloads.Session("cs_lag", customer, tenant, "paid"));

        using var response = await host.DeliverAsync(payload, host.Sign(payload, host.Clock.GetUtcNow().ToUnixTimeSeconds()));
        await host.WaitProcessedAsync("evt_lag");

        output.WriteLine($"webhook HTTP {(int)response.StatusCode}; lags recorded: {string.Join(", ", lags.Select(l => $"{l.Seconds:0.###} s ({l.Type})"))}");
        var lag = Assert.Single(lags);
        Assert.Equal("checkout.session.completed", lag.Type);
        Assert.InRange(lag.Seconds, 90, 150);
    }
}
