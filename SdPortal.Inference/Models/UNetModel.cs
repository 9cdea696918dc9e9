using Microsoft.ML.OnnxRuntime;
using SdPortal.Inference.Lora;

namespace SdPortal.Inference.Models;

/// <summary>
/// The denoising UNet: sample [n, c, h, w], timestep (see <see cref="TimestepForm"/>), encoder_hidden_states [n, 77, d]
/// → predicted noise [n, c, h, w]. Input and output buffers belong to the caller (one set per job), so a step allocates
/// nothing: the output is written into the caller's pre-bound tensor.
/// </summary>
internal sealed class UNetModel : IDisposable
{
    private readonly OnnxModelFile _file;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    public UNetModel(OnnxModelFile file)
    {
        _file = file;
        Sample = file.Input("latent sample", 4, "sample");
        Timestep = file.Input("timestep", 1, "timestep", "t");
        EncoderHiddenStates = file.Input("text conditioning", 3, "encoder_hidden_states");
        NoisePrediction = file.Output("noise prediction", 4, "out_sample", "sample");
        file.RequireFloatingPoint(Sample);
        file.RequireFloatingPoint(EncoderHiddenStates);
        file.RequireFloatingPoint(NoisePrediction);
        TimestepForm = TimestepForm.From(Timestep, file.Path);
        _inputNames = [Sample.Name, Timestep.Name, EncoderHiddenStates.Name];
        _outputNames = [NoisePrediction.Name];
    }

    /// <summary>The model file.</summary>
    public string Path => _file.Path;

    /// <summary>The noisy latent input.</summary>
    public ModelPort Sample { get; }

    /// <summary>The timestep input.</summary>
    public ModelPort Timestep { get; }

    /// <summary>The text-conditioning input.</summary>
    public ModelPort EncoderHiddenStates { get; }

    /// <summary>The predicted-noise output.</summary>
    public ModelPort NoisePrediction { get; }

    /// <summary>How the timestep is fed.</summary>
    public TimestepForm TimestepForm { get; }

    /// <summary>The latent channel count (4 for SD 1.x/2.x): the prediction's channels where the graph fixes them.</summary>
    public int LatentChannels => NoisePrediction.IsFixed(1) ? NoisePrediction.Dimensions[1] : InputChannels;

    /// <summary>
    /// The channels of <see cref="Sample"/>: <see cref="LatentChannels"/> for an ordinary UNet, 2c + 1 for an
    /// inpainting UNet (latents, the mask, the masked image's latents, as diffusers' inpainting models take them).
    /// </summary>
    public int InputChannels => Sample.IsFixed(1) ? Sample.Dimensions[1] : 4;

    /// <summary>Whether this is an inpainting UNet (9 input channels for 4 latent ones), fed the mask and masked image.</summary>
    public bool IsInpainting => InputChannels == (2 * LatentChannels) + 1;

    /// <summary>
    /// Runs one denoising call over the job's tensors; the prediction lands in <see cref="UNetBindings.NoisePrediction"/>.
    /// <paramref name="lastOfPass"/> gives the CPU arena back after the call (ADR-016); the steps before keep it, since
    /// growing it again at every step made a 512² step 2.2 times slower.
    /// <paramref name="overrides"/> replace the stored weights an adapter set patches (none: the stored model).
    /// </summary>
    public void Run(RunOptions runOptions, UNetBindings bindings, bool lastOfPass = true, WeightOverrides? overrides = null)
    {
        var options = lastOfPass ? _file.Prepare(runOptions) : runOptions;
        if (overrides is null || overrides.IsEmpty)
        {
            _file.Session.Run(options, _inputNames, bindings.Inputs, _outputNames, bindings.Outputs);
            return;
        }

        _file.Session.Run(options, [.. _inputNames, .. overrides.Names], [.. bindings.Inputs, .. overrides.Values], _outputNames, bindings.Outputs);
    }

    /// <summary>
    /// Binds <paramref name="bindings"/> to a new <see cref="OrtIoBinding"/> once, so that repeated runs
    /// (<see cref="Run(RunOptions, OrtIoBinding)"/>) skip name lookup and value marshalling, and the output lands in the
    /// same preallocated buffer at every step. The caller disposes it before the bindings.
    /// </summary>
    public OrtIoBinding Bind(UNetBindings bindings)
    {
        var binding = _file.Session.CreateIoBinding();
        BindInputs(binding, bindings);
        binding.BindOutput(NoisePrediction.Name, bindings.NoisePrediction.Value);
        return binding;
    }

    /// <summary>
    /// Binds the job inputs of <paramref name="bindings"/> and <paramref name="overrides"/> to <paramref name="binding"/>
    /// after clearing what it held, so a call under another adapter set (or none) never sees the previous set's weights.
    /// </summary>
    public void Rebind(OrtIoBinding binding, UNetBindings bindings, WeightOverrides overrides)
    {
        binding.ClearBoundInputs();
        BindInputs(binding, bindings);
        overrides.BindTo(binding);
    }

    private void BindInputs(OrtIoBinding binding, UNetBindings bindings)
    {
        binding.BindInput(Sample.Name, bindings.Sample.Value);
        binding.BindInput(Timestep.Name, bindings.Timestep.Value);
        binding.BindInput(EncoderHiddenStates.Name, bindings.EncoderHiddenStates.Value);
    }

    /// <summary>Runs one denoising call over tensors bound with <see cref="Bind"/>.</summary>
    public void Run(RunOptions runOptions, OrtIoBinding binding) => _file.Session.RunWithBinding(runOptions, binding);

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
