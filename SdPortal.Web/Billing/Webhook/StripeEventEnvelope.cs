using System.Text.Json;

namespace SdPortal.Web.Billing.Webhook;

/// <summary>The two fields read before an event is stored: its id and type. Everything else waits for processing.</summary>
internal sealed record StripeEventEnvelope(string Id, string Type)
{
    public static StripeEventEnvelope? TryRead(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                && id.GetString() is { Length: > 0 and <= 255 } eventId && eventId.StartsWith("evt_", StringComparison.Ordinal)
                && root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
                && type.GetString() is { Length: > 0 and <= 128 } eventType)
            {
                return new StripeEventEnvelope(eventId, eventType);
            }

            return null;
        }
        catch (JsonException)
        {
            // A signed body that is not JSON: nothing to store; the endpoint answers 400.
            return null;
        }
    }
}
