using System.Text;
using SdPortal.Web.Billing.Processing;

namespace SdPortal.Web.Billing.Webhook;

/// <summary>
/// <c>POST /api/v1/billing/stripe/webhook</c>: verify the raw body, store it once, answer 200, process after. Nothing is
/// stored for a bad signature; a storage failure answers 500 so that Stripe delivers the event again.
/// </summary>
internal static class StripeWebhookEndpoint
{
    private const string LogCategory = "SdPortal.Web.Billing.Webhook";

    public static async Task<IResult> HandleAsync(
        HttpContext http,
        StripeSignatureVerifier verifier,
        StripeEventStore store,
        StripeEventQueue queue,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(LogCategory);
        // Verbatim: the signature covers the exact bytes Stripe sent; re-serialised JSON would not match.
        using var reader = new StreamReader(http.Request.Body, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
        var body = await reader.ReadToEndAsync(http.RequestAborted);

        if (verifier.Verify(body, http.Request.Headers["Stripe-Signature"].ToString()) is { } rejection)
        {
            logger.LogWarning("Rejected a Stripe webhook from {Remote}: {Reason}", http.Connection.RemoteIpAddress, rejection);
            return Rejected(rejection);
        }

        if (StripeEventEnvelope.TryRead(body) is not { } envelope)
        {
            logger.LogWarning("Rejected a signed Stripe webhook that is not an event (no evt_ id or type)");
            return Rejected("The body is not a Stripe event.");
        }

        StoredStripeEvent stored;
        try
        {
            stored = await store.StoreAsync(envelope, body, http.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not store Stripe event {EventId} ({Type}); answering 500 so Stripe retries", envelope.Id, envelope.Type);
            return TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Event not stored",
                detail: "The event could not be stored; deliver it again.");
        }

        logger.LogInformation("Stripe event {EventId} ({Type}) {Outcome}", envelope.Id, envelope.Type,
            stored.IsNew ? "stored" : stored.IsProcessed ? "already processed" : "already stored, not yet processed");
        if (!stored.IsProcessed)
        {
            queue.Enqueue(stored.RowId);
        }

        return TypedResults.Ok(new { received = true, duplicate = !stored.IsNew });
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Rejected(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Webhook rejected", detail: detail);
}
