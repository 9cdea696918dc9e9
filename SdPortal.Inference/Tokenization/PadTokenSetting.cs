using System.Text.Json;

namespace SdPortal.Inference.Tokenization;

/// <summary>
/// Finds the padding token a tokenizer folder declares. SD 2.x folders pad with "!" (id 0); SD 1.x folders either
/// declare <c>&lt;|endoftext|&gt;</c> or nothing, in which case CLIP's default, <c>&lt;|endoftext|&gt;</c>, applies.
/// </summary>
internal static class PadTokenSetting
{
    /// <summary>
    /// The files consulted, highest precedence first: transformers applies special_tokens_map.json on top of the
    /// keyword arguments from tokenizer_config.json.
    /// </summary>
    private static readonly string[] ConfigFiles = ["special_tokens_map.json", "tokenizer_config.json"];

    /// <summary>Returns the declared pad token and the file declaring it, or null when no file declares one.</summary>
    /// <exception cref="InvalidDataException">A config file is not valid JSON or its pad_token has the wrong shape.</exception>
    public static (string Token, string Source)? Read(string directory)
    {
        foreach (var name in ConfigFiles)
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path) && ReadPadToken(path) is { } token)
            {
                return (token, path);
            }
        }

        return null;
    }

    private static string? ReadPadToken(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("pad_token", out var pad))
            {
                return null;
            }

            // pad_token is either a plain string or a serialized AddedToken object whose text is in "content".
            return pad.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => pad.GetString(),
                JsonValueKind.Object when pad.TryGetProperty("content", out var content) &&
                                          content.ValueKind == JsonValueKind.String => content.GetString(),
                _ => throw new InvalidDataException($"{path}: pad_token is neither a string nor an object with content."),
            };
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Tokenizer config {path} is not valid JSON: {ex.Message}", ex);
        }
    }
}
