namespace SdPortal.Web.Billing.Configuration;

/// <summary>
/// Stripe credentials (section <c>Stripe</c>; environment <c>Stripe__SecretKey</c>, <c>Stripe__WebhookSecret</c>).
/// Both empty is the embedded default: purchases answer 503 and the webhook rejects everything.
/// </summary>
public sealed class StripeOptions
{
    public const string SectionName = "Stripe";

    /// <summary>The API key (<c>sk_…</c> or a restricted <c>rk_…</c>).</summary>
    public string? SecretKey { get; set; }

    /// <summary>The webhook endpoint's signing secret (<c>whsec_…</c>).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Stripe's API address; tests point it at a local fake.</summary>
    public string ApiBase { get; set; } = "https://api.stripe.com";

    /// <summary>How far a signature's timestamp may be from now, in seconds (Stripe's libraries default to 300).</summary>
    public int WebhookToleranceSeconds { get; set; } = 300;

    public bool CanCallApi => !string.IsNullOrWhiteSpace(SecretKey);

    public bool CanVerifyWebhooks => !string.IsNullOrWhiteSpace(WebhookSecret);
}
