using System.Text;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data.Billing;
using Stripe;

namespace SdPortal.Tests.Billing.Support;

/// <summary>Delivering webhooks the way Stripe does, and waiting for the portal to process them.</summary>
public sealed partial class BillingHost
{
    /// <summary>Signs <paramref name="body"/> as Stripe does (HMAC-SHA256 over <c>{t}.{body}</c>) with Stripe.net's helper.</summary>
    public string Sign(string body, long? timestamp = null, string secret = WebhookSecret) =>
        EventUtility.GenerateSignatureHeader(body, secret, timestamp ?? Clock.GetUtcNow().ToUnixTimeSeconds());

    public async Task<HttpResponseMessage> DeliverAsync(string body, string? signatureHeader = "sign")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/billing/stripe/webhook")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (signatureHeader is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signatureHeader == "sign" ? Sign(body) : signatureHeader);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>Delivers a freshly signed event and waits until it is processed.</summary>
    public async Task DeliverAndProcessAsync(string body, string eventId)
    {
        using var response = await DeliverAsync(body);
        Assert.True(response.IsSuccessStatusCode, $"{eventId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await WaitProcessedAsync(eventId);
    }

    public async Task<ProcessedStripeEvent> WaitProcessedAsync(string eventId, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var row = await WithDbAsync(null, db => db.StripeEvents.AsNoTracking().SingleOrDefaultAsync(e => e.EventId == eventId));
            if (row?.ProcessedAtUtc is not null)
            {
                return row;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"{eventId} not processed: attempts {row?.Attempts}, error {row?.LastError}");
            }

            await Task.Delay(50);
        }
    }
}
