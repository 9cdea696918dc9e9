using System.Text.Json;

namespace SdPortal.Inference.Models;

/// <summary>Reads the small JSON configuration files of a model folder, turning I/O and parse errors into
/// <see cref="ModelLoadException"/>s that name the file.</summary>
internal static class ModelJson
{
    /// <summary>The SD 1.x VAE latent scaling factor, used when the folder does not state its own.</summary>
    public const float DefaultVaeScalingFactor = 0.18215f;

    /// <summary>Reads <paramref name="path"/> and requires a JSON object at its root.</summary>
    public static JsonElement ReadObject(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelLoadException(path, $"must hold a JSON object, not {document.RootElement.ValueKind}");
            }

            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException(path, $"is not valid JSON ({ex.Message})", ex);
        }
        catch (IOException ex)
        {
            throw new ModelLoadException(path, $"cannot be read ({ex.Message})", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ModelLoadException(path, $"cannot be read ({ex.Message})", ex);
        }
    }

    /// <summary>
    /// The VAE's <c>scaling_factor</c> from its config.json (z = scaling_factor · E(x), so decoding uses z / scaling_factor);
    /// <see cref="DefaultVaeScalingFactor"/> when the file or the key is absent.
    /// </summary>
    public static float ReadVaeScalingFactor(string configPath)
    {
        if (!File.Exists(configPath))
        {
            return DefaultVaeScalingFactor;
        }

        var config = ReadObject(configPath);
        if (!config.TryGetProperty("scaling_factor", out var factor))
        {
            return DefaultVaeScalingFactor;
        }

        if (factor.ValueKind != JsonValueKind.Number || !factor.TryGetSingle(out var value) || !(value > 0f))
        {
            throw new ModelLoadException(configPath, $"scaling_factor must be a positive number, not {factor.GetRawText()}");
        }

        return value;
    }

    /// <summary>model_index.json's <c>_class_name</c>, or "unknown" when it names none.</summary>
    public static string ReadPipelineClass(string modelIndexPath)
    {
        var index = ReadObject(modelIndexPath);
        return index.TryGetProperty("_class_name", out var name) && name.ValueKind == JsonValueKind.String
            ? name.GetString()!
            : "unknown";
    }
}
