using System.Globalization;
using System.Text.Json;

namespace SdPortal.Web.Billing.Handlers;

/// <summary>
/// A stored event read from its raw JSON with <see cref="JsonDocument"/> rather than Stripe.net's typed model, so an
/// event of any API version is processed by the fields it carries (ADR-006).
/// </summary>
internal sealed class StripeEvent
{
    private StripeEvent(string id, string type, long created, string? apiVersion, JsonElement data)
    {
        (Id, Type, Created, ApiVersion, Object) = (id, type, created, apiVersion, data);
    }

    public string Id { get; }

    public string Type { get; }

    /// <summary>When Stripe created the event (Unix seconds): orders snapshots of one object.</summary>
    public long Created { get; }

    public string? ApiVersion { get; }

    /// <summary><c>data.object</c>: the object the event is about, as of the event.</summary>
    public JsonElement Object { get; }

    public static StripeEvent Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var data = root.GetProperty("data").GetProperty("object").Clone();
        return new StripeEvent(
            root.GetProperty("id").GetString() ?? throw new JsonException("The event has no id."),
            root.GetProperty("type").GetString() ?? throw new JsonException("The event has no type."),
            root.Long("created") ?? 0,
            root.Str("api_version"),
            data);
    }
}

/// <summary>Null-tolerant reads along a property path of a Stripe object.</summary>
internal static class StripeJson
{
    public static JsonElement? At(this JsonElement element, params string[] path)
    {
        var current = element;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current.ValueKind == JsonValueKind.Null ? null : current;
    }

    /// <summary>A string, or the id of an expanded object.</summary>
    public static string? Str(this JsonElement element, params string[] path) => element.At(path) switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Object } o => o.At("id") is { ValueKind: JsonValueKind.String } id ? id.GetString() : null,
        _ => null,
    };

    public static long? Long(this JsonElement element, params string[] path) =>
        element.At(path) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var value) ? value : null;

    /// <summary>The elements of <c>{path}.data</c> (a Stripe list), or none.</summary>
    public static IEnumerable<JsonElement> List(this JsonElement element, params string[] path) =>
        element.At([.. path, "data"]) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    public static DateTime? UnixTime(this JsonElement element, params string[] path) =>
        element.Long(path) is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime : null;

    public static string Describe(long value) => value.ToString(CultureInfo.InvariantCulture);
}
