using System.Globalization;
using Onnx;

namespace SdPortal.Inference.Synthetic.Graph;

/// <summary>
/// Builds an ONNX graph (OnnxSharp's protobuf types) node by node. Initializers are declared, not filled: the values
/// are drawn only when <see cref="OnnxModelWriter"/> writes the model. Declarations and layer helpers live in the other
/// parts of this class (initializers, layers, tensor plumbing, attention).
/// </summary>
public sealed partial class OnnxGraphBuilder
{
    /// <summary>The operator domain of ONNX Runtime's contrib operators.</summary>
    public const string ContribDomain = "com.microsoft";

    private readonly List<InitializerSpec> _initializers = [];
    private readonly HashSet<string> _initializerNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _constants = new(StringComparer.Ordinal);
    private int _nextId;

    /// <summary>Starts an empty graph whose float tensors use <paramref name="precision"/>.</summary>
    public OnnxGraphBuilder(string graphName, SyntheticPrecision precision)
    {
        Graph = new GraphProto { Name = graphName };
        Precision = precision;
        FloatType = precision == SyntheticPrecision.Fp16 ? TensorProto.Types.DataType.Float16 : TensorProto.Types.DataType.Float;
    }

    /// <summary>The graph so far: nodes, inputs and outputs, without initializers (see <see cref="Initializers"/>).</summary>
    public GraphProto Graph { get; }

    /// <summary>The precision of weights and activations.</summary>
    public SyntheticPrecision Precision { get; }

    /// <summary>The element type of weights and float activations (float or float16).</summary>
    public TensorProto.Types.DataType FloatType { get; }

    /// <summary>Every declared initializer, parameters and constants, in declaration order.</summary>
    public IReadOnlyList<InitializerSpec> Initializers => _initializers;

    /// <summary>Number of learned values (constants excluded), comparable to PyTorch's parameter count.</summary>
    public long ParameterCount => _initializers.Where(i => i.IsParameter).Sum(i => i.ElementCount);

    /// <summary>Declares a graph input and returns its name.</summary>
    public string AddInput(string name, TensorProto.Types.DataType elementType, params OnnxDim[] dims)
    {
        Graph.Input.Add(ValueInfo(name, elementType, dims));
        return name;
    }

    /// <summary>Declares a graph output named <paramref name="name"/>, fed by <paramref name="value"/>.</summary>
    public void AddOutput(string name, string value, TensorProto.Types.DataType elementType, params OnnxDim[] dims)
    {
        if (value != name)
        {
            AddNode(NextId(), "Identity", [value], [name], []);
        }

        Graph.Output.Add(ValueInfo(name, elementType, dims));
    }

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string AddNode(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        AddNode(opType, inputs, outputCount: 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> generated output names and returns them.</summary>
    public IReadOnlyList<string> AddNode(
        string opType, IEnumerable<string> inputs, int outputCount, params AttributeProto[] attributes)
    {
        var id = NextId();
        var outputs = Enumerable.Range(0, outputCount)
            .Select(i => string.Create(CultureInfo.InvariantCulture, $"{opType}_{id}_out{i}"))
            .ToArray();
        AddNode(id, opType, inputs, outputs, attributes);
        return outputs;
    }

    /// <summary>
    /// Adds a node named as PyTorch's exporter names the node of module <paramref name="modulePath"/>
    /// (<see cref="TorchScope.NodeName"/>), with one output.
    /// </summary>
    public string AddScopedNode(string modulePath, string opType, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var output = AddNode(opType, inputs, attributes);
        Graph.Node[^1].Name = TorchScope.NodeName(modulePath, opType);
        return output;
    }

    /// <summary>Adds an attribute-free node with one output: <c>Op("Add", a, b)</c>.</summary>
    public string Op(string opType, params string[] inputs) => AddNode(opType, inputs);

    private void AddNode(int id, string opType, IEnumerable<string> inputs, string[] outputs, AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = string.Create(CultureInfo.InvariantCulture, $"{opType}_{id}") };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        node.Attribute.Add(attributes);
        Graph.Node.Add(node);
    }

    /// <summary>
    /// Adds a node of ONNX Runtime's contrib domain (<c>com.microsoft</c>: MultiHeadAttention, GroupNorm, NhwcConv…)
    /// with one output; the writer then imports that domain.
    /// </summary>
    public string AddContribNode(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var output = AddNode(opType, inputs, attributes);
        Graph.Node[^1].Domain = ContribDomain;
        return output;
    }

    private int NextId() => _nextId++;

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType elementType, OnnxDim[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim.Param is null
                ? new TensorShapeProto.Types.Dimension { DimValue = dim.Value }
                : new TensorShapeProto.Types.Dimension { DimParam = dim.Param });
        }

        var tensor = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}
