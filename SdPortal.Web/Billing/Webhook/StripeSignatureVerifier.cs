using System.Globalization;
using Microsoft.Extensions.Options;
using SdPortal.Web.Billing.Configuration;
using Stripe;

namespace SdPortal.Web.Billing.Webhook;

/// <summary>
/// Checks a webhook's <c>Stripe-Signature</c> (<c>t=…,v1=…</c>: HMAC-SHA256 of <c>{t}.{body}</c> with the endpoint's
/// secret) and that <c>t</c> is within the tolerance of the injected clock. Only the signature is checked here, so an
/// event of another API version is still accepted; it is parsed from its raw JSON later.
/// </summary>
internal sealed class StripeSignatureVerifier(IOptionsMonitor<StripeOptions> options, TimeProvider time)
{
    /// <summary>Answers null when the body is authentic and recent, otherwise why it is not.</summary>
    public string? Verify(string body, string? header)
    {
        var stripe = options.CurrentValue;
        if (!stripe.CanVerifyWebhooks)
        {
            return "Stripe webhooks are not configured on this portal (Stripe:WebhookSecret is empty).";
        }

        if (string.IsNullOrWhiteSpace(header))
        {
            return "The Stripe-Signature header is missing.";
        }

        // Stripe.net parses t with Convert.ToInt32 after checking the HMAC; refuse a malformed header before that.
        var items = header.Split(',').Select(i => i.Trim().Split('=', 2)).Where(p => p.Length == 2).ToLookup(p => p[0], p => p[1]);
        if (!long.TryParse(items["t"].FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || timestamp > int.MaxValue)
        {
            return "The Stripe-Signature header has no valid timestamp (t=).";
        }

        if (!items["v1"].Any())
        {
            return "The Stripe-Signature header has no v1 signature.";
        }

        try
        {
            EventUtility.ValidateSignature(body, header, stripe.WebhookSecret, stripe.WebhookToleranceSeconds,
                time.GetUtcNow().ToUnixTimeSeconds());
            return null;
        }
        catch (StripeException ex)
        {
            return ex.Message;
        }
    }
}
