using Microsoft.ML.OnnxRuntime;
using SdPortal.Inference.Lora;
using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Batching;

/// <summary>
/// The tensors of one (model, latent size, bucket) shape, allocated once and reused by every call of that shape:
/// inputs and the output are bound to an <see cref="OrtIoBinding"/> once, so a step only rewrites values in place.
/// The text conditioning of a sample slot is rewritten only when another job (or the other half of a guided job) takes
/// the slot, or its job's prompt changes at that step (prompt editing) — a job that stays in place pays for its conditioning once. Padding slots keep whatever they last held:
/// every operator of the UNet works per sample, so their (finite) values cannot reach another sample's output.
/// </summary>
internal sealed class UNetBatchTensors : IDisposable
{
    private readonly UNetModel _unet;
    private readonly UNetBindings _bindings;
    private readonly OrtIoBinding _binding;
    private readonly ConditioningRows _conditioning;
    private WeightOverrides _bound = WeightOverrides.None;

    public UNetBatchTensors(UNetModel unet, int bucket, int latentHeight, int latentWidth, int sequenceLength, int hiddenSize)
    {
        _unet = unet;
        Bucket = bucket;
        SequenceLength = sequenceLength;
        HiddenSize = hiddenSize;
        _bindings = new UNetBindings(unet, bucket, latentHeight, latentWidth, sequenceLength, hiddenSize);
        _binding = unet.Bind(_bindings);
        _conditioning = new ConditioningRows(bucket);
        ImageLength = unet.LatentChannels * latentHeight * latentWidth;
        InputLength = unet.InputChannels * latentHeight * latentWidth;
    }

    /// <summary>Samples per call.</summary>
    public int Bucket { get; }

    /// <summary>Tokens per conditioning sequence.</summary>
    public int SequenceLength { get; }

    /// <summary>Conditioning width.</summary>
    public int HiddenSize { get; }

    /// <summary>Latent (prediction) values per sample.</summary>
    public int ImageLength { get; }

    /// <summary>Model-input values per sample (more than <see cref="ImageLength"/> for an inpainting UNet).</summary>
    public int InputLength { get; }

    /// <summary>Conditioning rows written by the last <see cref="Load"/> (0 when every slot kept its job).</summary>
    public int ConditioningRowsWritten { get; private set; }

    /// <summary>Writes every slot's model input, timestep and (where the slot changed hands) conditioning.</summary>
    public void Load(IReadOnlyList<BatchSlot> slots)
    {
        ConditioningRowsWritten = 0;
        var perSample = _unet.TimestepForm.Shape == TimestepShape.PerSample;
        foreach (var slot in slots)
        {
            var denoiser = slot.Denoiser;
            var input = denoiser.ModelInput;
            _bindings.Sample.Write(input, slot.Offset * InputLength);
            if (denoiser.Guided)
            {
                _bindings.Sample.Write(input, (slot.Offset + denoiser.BatchSize) * InputLength);
            }

            var timestep = denoiser.TimestepAt(slot.StepIndex);
            if (perSample)
            {
                _bindings.Timestep.Fill(timestep, slot.Offset, slot.Samples);
            }
            else
            {
                _bindings.Timestep.Fill(timestep); // the assembler only shares a broadcast timestep between equal ones
            }

            ConditioningRowsWritten += _conditioning.Write(_bindings.EncoderHiddenStates, slot.Offset, denoiser, slot.StepIndex);
        }
    }

    /// <summary>
    /// Runs the UNet over the bound tensors with <paramref name="overrides"/>' patched weights (the calls of one adapter
    /// set share tensors with every other set: only the overridden weights are rebound when the set changes).
    /// </summary>
    public void Run(RunOptions options, WeightOverrides overrides)
    {
        if (!ReferenceEquals(overrides, _bound))
        {
            _unet.Rebind(_binding, _bindings, overrides);
            _bound = overrides;
        }

        _unet.Run(options, _binding);
    }

    /// <summary>Copies each slot's rows of the prediction into its job's <see cref="Denoiser.Prediction"/>.</summary>
    public void Store(IReadOnlyList<BatchSlot> slots)
    {
        foreach (var slot in slots)
        {
            _bindings.NoisePrediction.Read(slot.Denoiser.Prediction, slot.Offset * ImageLength);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _binding.Dispose();
        _bindings.Dispose();
    }
}
