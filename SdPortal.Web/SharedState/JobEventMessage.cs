using System.Text.Json;
using SdPortal.Web.Generation;

namespace SdPortal.Web.SharedState;

/// <summary>
/// A job event on the Redis channel: the publishing node (so it skips its own), a type discriminator and the event as
/// the hub sends it. An unknown type (a newer node during a rolling deploy) reads as no event.
/// </summary>
internal static class JobEventMessage
{
    private static readonly Dictionary<string, Type> Types = new(StringComparer.Ordinal)
    {
        ["queued"] = typeof(JobQueuedEvent),
        ["progress"] = typeof(JobProgressEvent),
        ["completed"] = typeof(JobCompletedEvent),
        ["failed"] = typeof(JobFailedEvent),
    };

    public static string Serialize(Guid node, IJobEvent e)
    {
        var type = Types.Single(t => t.Value == e.GetType()).Key;
        return JsonSerializer.Serialize(new Envelope(node, type, JsonSerializer.SerializeToElement(e, e.GetType(), JsonSerializerOptions.Web)), JsonSerializerOptions.Web);
    }

    public static (Guid Node, IJobEvent? Event) Deserialize(string json)
    {
        var envelope = JsonSerializer.Deserialize<Envelope>(json, JsonSerializerOptions.Web)!;
        return (envelope.Node, Types.TryGetValue(envelope.Type, out var type) ? (IJobEvent?)envelope.Event.Deserialize(type, JsonSerializerOptions.Web) : null);
    }

    private sealed record Envelope(Guid Node, string Type, JsonElement Event);
}
