using Onnx;
using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Lora;

/// <summary>
/// The patchable weights of one exported component, by module path. A MatMul weight is found only through its node's
/// name (<c>/down_blocks.1/attentions.0/transformer_blocks.0/attn1/to_q/MatMul</c>): PyTorch's exporter leaves the
/// initializer anonymous. Conv and Gemm weights are found the same way, falling back to their initializer's name
/// (<c>conv_in.weight</c>), which the exporter keeps.
/// </summary>
public sealed class ComponentWeights
{
    private readonly Dictionary<string, ModelWeight> _byPath;
    private readonly Dictionary<string, ModelWeight> _byKohyaKey;

    private ComponentWeights(LoraComponent component, Dictionary<string, ModelWeight> byPath)
    {
        Component = component;
        _byPath = byPath;
        var prefix = KohyaPrefix(component);
        _byKohyaKey = new Dictionary<string, ModelWeight>(StringComparer.Ordinal);
        foreach (var weight in byPath.Values)
        {
            _byKohyaKey.TryAdd(prefix + weight.ModulePath.Replace('.', '_'), weight);
        }
    }

    /// <summary>Which component these are.</summary>
    public LoraComponent Component { get; }

    /// <summary>Every patchable weight.</summary>
    public IReadOnlyCollection<ModelWeight> Weights => _byPath.Values;

    /// <summary>The weights of <paramref name="graph"/>.</summary>
    public static ComponentWeights Of(LoraComponent component, GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var byPath = new Dictionary<string, ModelWeight>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            if (node.Domain is not ("" or "ai.onnx") || node.Input.Count < 2
                || !initializers.TryGetValue(node.Input[1], out var tensor)
                || tensor.DataType is not ((int)TensorProto.Types.DataType.Float or (int)TensorProto.Types.DataType.Float16))
            {
                continue;
            }

            var layout = node.OpType switch
            {
                "MatMul" when tensor.Dims.Count == 2 => WeightLayout.InOut,
                "Gemm" when tensor.Dims.Count == 2 => node.Attribute.Any(a => a.Name == "transB" && a.I == 1) ? WeightLayout.OutIn : WeightLayout.InOut,
                "Conv" when tensor.Dims.Count == 4 && !node.Attribute.Any(a => a.Name == "group" && a.I != 1) => WeightLayout.OutIn,
                _ => (WeightLayout?)null,
            };
            var path = TorchScope.ModulePath(node.Name)
                ?? (tensor.Name.EndsWith(".weight", StringComparison.Ordinal) ? tensor.Name[..^".weight".Length] : null);
            if (layout is null || path is null || !seen.Add(tensor.Name))
            {
                continue;
            }

            byPath.TryAdd(path, new ModelWeight(component, path, tensor.Name, layout.Value, [.. tensor.Dims], (TensorProto.Types.DataType)tensor.DataType));
        }

        return new ComponentWeights(component, byPath);
    }

    /// <summary>The kohya-ss key prefix of a component's modules.</summary>
    public static string KohyaPrefix(LoraComponent component) =>
        component == LoraComponent.UNet ? "lora_unet_" : "lora_te_";

    /// <summary>The weight <paramref name="module"/> patches, or null when the component has none by that name.</summary>
    public ModelWeight? Find(LoraModule module) =>
        module.ModulePath is { } path
            ? _byPath.GetValueOrDefault(path)
            : _byKohyaKey.GetValueOrDefault(module.Key);
}
