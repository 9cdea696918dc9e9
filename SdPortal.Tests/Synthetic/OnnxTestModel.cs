using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SdPortal.Tests.Synthetic;

/// <summary>
/// An ONNX Runtime CPU session that takes and returns float data whatever the model's float type (float or float16)
/// and integer data whatever its integer type, so one test body covers fp32 and fp16 models and both timestep forms.
/// </summary>
internal sealed class OnnxTestModel : IDisposable
{
    private readonly InferenceSession _session;

    /// <param name="modelPath">The model file.</param>
    /// <param name="optimization">
    /// ORT's graph rewrites (all by default). A reference run uses <see cref="GraphOptimizationLevel.ORT_DISABLE_ALL"/>,
    /// since ORT's own fusions could otherwise turn a plain graph into the fused one it is compared with.
    /// </param>
    public OnnxTestModel(string modelPath, GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 2, InterOpNumThreads = 1, GraphOptimizationLevel = optimization };
        _session = new InferenceSession(modelPath, options);
    }

    public IReadOnlyDictionary<string, NodeMetadata> Inputs => _session.InputMetadata;

    public IReadOnlyDictionary<string, NodeMetadata> Outputs => _session.OutputMetadata;

    /// <summary>Runs the model; each input is float[] (float tensors) or long[] (integer tensors) with its shape.</summary>
    public IReadOnlyDictionary<string, TestTensor> Run(params (string Name, Array Data, long[] Shape)[] inputs)
    {
        var values = inputs.Select(i => ToOrtValue(_session.InputMetadata[i.Name].ElementDataType, i.Data, i.Shape)).ToList();
        try
        {
            var names = _session.OutputMetadata.Keys.ToList();
            using var options = new RunOptions();
            using var results = _session.Run(options, inputs.Select(i => i.Name).ToList(), values, names);
            return names.Zip(results).ToDictionary(p => p.First, p => FromOrtValue(p.Second));
        }
        finally
        {
            values.ForEach(v => v.Dispose());
        }
    }

    public void Dispose() => _session.Dispose();

    private static OrtValue ToOrtValue(TensorElementType type, Array data, long[] shape) => (type, data) switch
    {
        (TensorElementType.Float, float[] f) => OrtValue.CreateTensorValueFromMemory(f, shape),
        (TensorElementType.Float16, float[] f) => OrtValue.CreateTensorValueFromMemory(f.Select(v => (Float16)v).ToArray(), shape),
        (TensorElementType.Int32, long[] l) => OrtValue.CreateTensorValueFromMemory(l.Select(v => checked((int)v)).ToArray(), shape),
        (TensorElementType.Int64, long[] l) => OrtValue.CreateTensorValueFromMemory(l, shape),
        _ => throw new ArgumentException($"Cannot feed {data.GetType().Name} to a {type} input."),
    };

    private static TestTensor FromOrtValue(OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var data = info.ElementDataType switch
        {
            TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray(),
            TensorElementType.Float16 => [.. value.GetTensorDataAsSpan<Float16>().ToArray().Select(h => (float)h)],
            _ => throw new NotSupportedException($"Output type {info.ElementDataType}"),
        };
        return new TestTensor(data, info.Shape, info.ElementDataType);
    }
}
