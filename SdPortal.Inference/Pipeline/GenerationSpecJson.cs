using System.Text.Json;
using System.Text.Json.Serialization;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// The one JSON form of a <see cref="GenerationSpec"/>: what the job row stores, the ticket carries to a host and the
/// PNG's <c>sdportal-request</c> chunk holds. camelCase fields, enums by name (as the REST API writes them), so a stored
/// spec, a PNG's and a REST body read the same way. The input images' bytes and starting latents are never in it.
/// </summary>
public static class GenerationSpecJson
{
    /// <summary>The serializer options of the spec's JSON form.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false) },
    };

    /// <summary>The spec as JSON.</summary>
    public static string Serialize(GenerationSpec spec) => JsonSerializer.Serialize(spec, Options);

    /// <summary>Reads a spec written by <see cref="Serialize"/> (fields it lacks take their defaults).</summary>
    /// <exception cref="JsonException">The text is not a spec.</exception>
    public static GenerationSpec Deserialize(string json) =>
        JsonSerializer.Deserialize<GenerationSpec>(json, Options) ?? throw new JsonException("A generation spec must be a JSON object, not null.");
}
