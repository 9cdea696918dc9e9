using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SdPortal.Inference.Lora;

namespace SdPortal.Inference.Models;

/// <summary>
/// The CLIP text encoder: token ids [n, 77] (int32 or int64, as the graph declares) → last_hidden_state [n, 77, d].
/// </summary>
internal sealed class TextEncoderModel : IDisposable
{
    private readonly OnnxModelFile _file;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    public TextEncoderModel(OnnxModelFile file)
    {
        _file = file;
        InputIds = file.Input("token ids", 2, "input_ids");
        if (InputIds.ElementType is not (TensorElementType.Int32 or TensorElementType.Int64))
        {
            throw new ModelLoadException(file.Path, $"input '{InputIds.Name}' is {InputIds.ElementType}; int32 or int64 expected");
        }

        HiddenStates = file.Output("hidden states", 3, "last_hidden_state");
        file.RequireFloatingPoint(HiddenStates);
        _inputNames = [InputIds.Name];
        _outputNames = [HiddenStates.Name];
    }

    /// <summary>The token-id input.</summary>
    public ModelPort InputIds { get; }

    /// <summary>The per-token hidden-state output the UNet is conditioned on.</summary>
    public ModelPort HiddenStates { get; }

    /// <summary>The hidden size d where the graph fixes it, otherwise −1 (known after the first run).</summary>
    public int DeclaredHiddenSize => HiddenStates.Dimensions[2];

    /// <summary>
    /// Encodes <paramref name="sequenceCount"/> sequences of <paramref name="sequenceLength"/> ids in one run and returns
    /// their hidden states as float32 [n, length, d]. Graphs with a batch dimension fixed to 1 are run once per sequence.
    /// <paramref name="overrides"/> replace the weights a job's adapters patch.
    /// </summary>
    public float[] Encode(ReadOnlySpan<int> ids, int sequenceCount, int sequenceLength, RunOptions runOptions, WeightOverrides? overrides = null)
    {
        overrides ??= WeightOverrides.None;
        string[] inputNames = [.. _inputNames, .. overrides.Names];
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequenceCount);
        var perRun = InputIds.IsFixed(0) ? InputIds.Dimensions[0] : sequenceCount;
        if (sequenceCount % perRun != 0)
        {
            throw new InvalidOperationException($"{_file.Path} takes batches of {perRun}; {sequenceCount} sequences given.");
        }

        float[]? hidden = null;
        using var input = HostTensor.Create(InputIds.ElementType, perRun, sequenceLength);
        for (var first = 0; first < sequenceCount; first += perRun)
        {
            input.WriteIds(ids.Slice(first * sequenceLength, perRun * sequenceLength), 0);
            using var outputs = _file.Session.Run(_file.Prepare(runOptions), inputNames, [input.Value, .. overrides.Values], _outputNames);
            var output = outputs[0];
            var hiddenSize = (int)output.GetTensorTypeAndShape().Shape[2];
            var chunk = perRun * sequenceLength * hiddenSize;
            hidden ??= new float[sequenceCount * sequenceLength * hiddenSize];
            HostTensor.ReadFrom(output, hidden.AsSpan(first * sequenceLength * hiddenSize, chunk));
        }

        return hidden!;
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
