using SdPortal.Inference.Schedulers;
using SdPortal.Inference.Tokenization;

namespace SdPortal.Inference.Models;

/// <summary>The non-ONNX parts of a model folder, read and validated before any session is opened.</summary>
internal sealed record ModelConfiguration(string PipelineClass, SchedulerConfig Scheduler, ClipTokenizer Tokenizer, float VaeScalingFactor)
{
    /// <summary>Reads model_index.json, the scheduler configuration, the tokenizer and the VAE scaling factor.</summary>
    /// <exception cref="ModelLoadException">A file is malformed.</exception>
    public static ModelConfiguration Read(ModelFolderLayout layout)
    {
        var pipelineClass = ModelJson.ReadPipelineClass(layout.ModelIndex);
        var scheduler = ReadScheduler(layout.SchedulerConfig);
        var tokenizer = ReadTokenizer(layout);
        var scaling = ModelJson.ReadVaeScalingFactor(layout.VaeDecoderConfig);
        return new ModelConfiguration(pipelineClass, scheduler, tokenizer, scaling);
    }

    private static SchedulerConfig ReadScheduler(string path)
    {
        try
        {
            return SchedulerConfig.Load(path);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or InvalidDataException or IOException)
        {
            throw new ModelLoadException(path, $"is not a usable scheduler configuration ({ex.Message})", ex);
        }
    }

    private static ClipTokenizer ReadTokenizer(ModelFolderLayout layout)
    {
        try
        {
            return ClipTokenizer.Load(layout.TokenizerDirectory);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or InvalidDataException or IOException)
        {
            throw new ModelLoadException(layout.TokenizerDirectory, $"does not hold a usable CLIP tokenizer ({ex.Message})", ex);
        }
    }
}
