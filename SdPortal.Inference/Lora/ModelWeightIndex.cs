using Google.Protobuf;
using Onnx;
using SdPortal.Inference.Models;

namespace SdPortal.Inference.Lora;

/// <summary>
/// The weights of a model folder's text encoder and UNet that adapters can patch. Building it parses both graphs
/// (weights stored outside the .onnx file are not read), so callers keep one per model folder.
/// </summary>
public sealed class ModelWeightIndex
{
    internal ModelWeightIndex(ComponentWeights textEncoder, ComponentWeights unet)
    {
        TextEncoder = textEncoder;
        UNet = unet;
    }

    /// <summary>The text encoder's patchable weights.</summary>
    public ComponentWeights TextEncoder { get; }

    /// <summary>The UNet's patchable weights.</summary>
    public ComponentWeights UNet { get; }

    /// <summary>Indexes the model in <paramref name="modelFolder"/>.</summary>
    /// <exception cref="ModelLoadException">A component's model file is missing or not ONNX.</exception>
    public static ModelWeightIndex ForFolder(string modelFolder)
    {
        var layout = new ModelFolderLayout(modelFolder);
        return new ModelWeightIndex(
            ComponentWeights.Of(LoraComponent.TextEncoder, ReadGraph(layout.TextEncoder)),
            ComponentWeights.Of(LoraComponent.UNet, ReadGraph(layout.UNet)));
    }

    /// <summary>The graph of one model file.</summary>
    internal static GraphProto ReadGraph(string modelPath)
    {
        if (!File.Exists(modelPath))
        {
            throw new ModelLoadException(modelPath, "is missing");
        }

        try
        {
            using var stream = File.OpenRead(modelPath);
            return ModelProto.Parser.ParseFrom(stream).Graph;
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ModelLoadException(modelPath, $"is not an ONNX model ({ex.Message})", ex);
        }
    }

    /// <summary>The component's weights.</summary>
    public ComponentWeights Of(LoraComponent component) => component == LoraComponent.UNet ? UNet : TextEncoder;

    /// <summary>Which weight each module of <paramref name="weights"/> patches, and which modules fit nothing.</summary>
    public LoraMatch Match(LoraWeights weights)
    {
        var unmatched = new List<string>();
        var mismatched = new List<string>();
        var targets = new List<ModelWeight?>(weights.ModuleCount);
        foreach (var module in weights.Modules)
        {
            var target = Of(module.Component).Find(module);
            if (target is null)
            {
                unmatched.Add(module.Key);
            }
            else if (Misfit(module, target) is { } reason)
            {
                mismatched.Add($"{module.Key}: {reason}");
                target = null;
            }

            targets.Add(target);
        }

        return new LoraMatch(unmatched, mismatched, targets);
    }

    private static string? Misfit(LoraModule module, ModelWeight target)
    {
        // A linear update fits a 1×1 convolution and back (trainers differ on proj_in/proj_out); larger kernels must agree.
        var moduleKernel = module.IsConvolution ? module.DownShape[2] * module.DownShape[3] : 1;
        var targetKernel = target.IsConvolution ? target.Shape[2] * target.Shape[3] : 1;
        if (moduleKernel != targetKernel
            || (module.IsConvolution && target.IsConvolution && (module.DownShape[2] != target.Shape[2] || module.DownShape[3] != target.Shape[3])))
        {
            return $"a {Kernel(module.IsConvolution ? module.DownShape : null)} update for a {Kernel(target.IsConvolution ? target.Shape : null)} weight";
        }

        if (module.OutFeatures != target.OutFeatures || module.InFeatures != target.InFeatures)
        {
            return $"the update is {module.OutFeatures}×{module.InFeatures} but the weight is {target.OutFeatures}×{target.InFeatures}";
        }

        return null;
    }

    private static string Kernel(IReadOnlyList<long>? convolution) =>
        convolution is null ? "linear" : $"{convolution[2]}×{convolution[3]} convolution";
}
