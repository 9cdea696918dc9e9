using Microsoft.ML.OnnxRuntime;

namespace SdPortal.Inference.Models;

/// <summary>
/// One job's UNet tensors, typed as the graph declares them and allocated once: the model sees the same memory at
/// every step, the engine rewrites it in place, and the prediction lands in the pre-bound output.
/// </summary>
internal sealed class UNetBindings : IDisposable
{
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;

    public UNetBindings(UNetModel unet, int batch, int latentHeight, int latentWidth, int sequenceLength, int hiddenSize)
    {
        var channels = unet.LatentChannels;
        Sample = HostTensor.Create(unet.Sample.ElementType, batch, unet.InputChannels, latentHeight, latentWidth);
        Timestep = HostTensor.Create(unet.TimestepForm.ElementType, unet.TimestepForm.TensorShape(batch));
        EncoderHiddenStates = HostTensor.Create(unet.EncoderHiddenStates.ElementType, batch, sequenceLength, hiddenSize);
        NoisePrediction = HostTensor.Create(unet.NoisePrediction.ElementType, batch, channels, latentHeight, latentWidth);
        _inputs = [Sample.Value, Timestep.Value, EncoderHiddenStates.Value];
        _outputs = [NoisePrediction.Value];
    }

    /// <summary>The model input [n, c_in, h, w] (c_in = 2c + 1 for an inpainting UNet).</summary>
    public HostTensor Sample { get; }

    /// <summary>The timestep input.</summary>
    public HostTensor Timestep { get; }

    /// <summary>The text conditioning [n, 77, d], written once per job.</summary>
    public HostTensor EncoderHiddenStates { get; }

    /// <summary>The predicted noise [n, c, h, w].</summary>
    public HostTensor NoisePrediction { get; }

    /// <summary>The input values in the order of the model's input names.</summary>
    public IReadOnlyCollection<OrtValue> Inputs => _inputs;

    /// <summary>The output values in the order of the model's output names.</summary>
    public IReadOnlyCollection<OrtValue> Outputs => _outputs;

    /// <inheritdoc />
    public void Dispose()
    {
        Sample.Dispose();
        Timestep.Dispose();
        EncoderHiddenStates.Dispose();
        NoisePrediction.Dispose();
    }
}
