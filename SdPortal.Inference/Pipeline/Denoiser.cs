using SdPortal.Inference.Models;
using SdPortal.Inference.Schedulers;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// The denoising state of one job and its step: x_t, the model input, the UNet tensors and the guided prediction,
/// all allocated once, so a step allocates nothing proportional to the latent size.
/// </summary>
internal sealed class Denoiser : IDisposable
{
    private readonly UNetModel _unet;
    private readonly IDiffusionScheduler _scheduler;
    private readonly UNetBindings _bindings;
    private readonly float[] _latents;
    private readonly float[] _modelInput;
    private readonly float[] _prediction;
    private readonly float[] _guidedNoise;
    private readonly float[] _predictedOriginal;
    private readonly float _guidanceScale;
    private readonly bool _guided;

    public Denoiser(UNetModel unet, IDiffusionScheduler scheduler, PromptEmbeddings prompt, GenerationRequest request)
    {
        _unet = unet;
        _scheduler = scheduler;
        _guided = prompt.Guided;
        _guidanceScale = (float)request.GuidanceScale;
        BatchSize = request.BatchSize;
        LatentHeight = request.Height / GenerationRequest.SizeMultiple;
        LatentWidth = request.Width / GenerationRequest.SizeMultiple;
        ImageLength = unet.LatentChannels * LatentHeight * LatentWidth;

        var unetBatch = _guided ? 2 * BatchSize : BatchSize;
        _bindings = new UNetBindings(unet, unetBatch, LatentHeight, LatentWidth, prompt.SequenceLength, prompt.HiddenSize);
        prompt.WriteTo(_bindings.EncoderHiddenStates, BatchSize);
        _latents = new float[BatchSize * ImageLength];
        _modelInput = new float[_latents.Length];
        _prediction = new float[unetBatch * ImageLength];
        _guidedNoise = _guided ? new float[_latents.Length] : _prediction;
        _predictedOriginal = new float[_latents.Length];
    }

    public int BatchSize { get; }

    public int LatentHeight { get; }

    public int LatentWidth { get; }

    /// <summary>Latent values per image (c · h · w).</summary>
    public int ImageLength { get; }

    /// <summary>The current latents x_t [B, c, h, w].</summary>
    public ReadOnlySpan<float> Latents => _latents;

    /// <summary>
    /// x_T = σ_init · ε: ε from each image's noise stream, or the caller's override (the streams still draw ε first,
    /// so an ancestral sampler's later noise is the same whether or not the override is given).
    /// </summary>
    public void InitializeLatents(BatchNoise noise, ReadOnlyMemory<float>? initialNoise)
    {
        noise.NextGaussian(_latents);
        initialNoise?.Span.CopyTo(_latents);
        var sigma = _scheduler.InitNoiseSigma;
        for (var i = 0; i < _latents.Length; i++)
        {
            _latents[i] *= sigma;
        }
    }

    /// <summary>One model evaluation and scheduler update: x_t → x_{t−1}.</summary>
    public void Step(int index, CancellationToken cancellationToken)
    {
        _scheduler.ScaleModelInput(_latents, index, _modelInput);
        _bindings.Sample.Write(_modelInput);
        if (_guided)
        {
            _bindings.Sample.Write(_modelInput, _modelInput.Length);
        }

        _bindings.Timestep.Fill(_scheduler.Timesteps[index]);
        CancellableRun.Invoke(this, static (self, options) => self._unet.Run(options, self._bindings), cancellationToken);
        _bindings.NoisePrediction.Read(_prediction);
        if (_guided)
        {
            ClassifierFreeGuidance.Combine(_prediction, _guidanceScale, _guidedNoise);
        }

        _scheduler.Step(_guidedNoise, index, _latents, _predictedOriginal);
    }

    /// <summary>The scheduler's latest clean-latent estimate x̂_0 of image <paramref name="image"/>.</summary>
    public ReadOnlySpan<float> PredictedOriginal(int image) => _predictedOriginal.AsSpan(image * ImageLength, ImageLength);

    /// <summary>The latents of image <paramref name="image"/>.</summary>
    public ReadOnlySpan<float> ImageLatents(int image) => _latents.AsSpan(image * ImageLength, ImageLength);

    /// <inheritdoc />
    public void Dispose() => _bindings.Dispose();
}
