using SdPortal.Inference.Lora;
using SdPortal.Inference.Models;
using SdPortal.Inference.Schedulers;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// The denoising state of one job and its step: x_t, the model input, the UNet tensors and the guided prediction,
/// all allocated once, so a step allocates nothing proportional to the latent size. A step is three parts —
/// <see cref="PrepareInput"/>, a UNet evaluation, <see cref="CompleteStep"/> — so the evaluation can run alone
/// (<see cref="Step"/>, over the job's own tensors) or inside a call shared with other jobs (the step batcher reads
/// <see cref="ModelInput"/> and writes <see cref="Prediction"/>).
/// </summary>
internal sealed class Denoiser : IDisposable
{
    private readonly UNetModel _unet;
    private readonly IDiffusionScheduler _scheduler;
    private readonly PromptEmbeddings _prompt;
    private readonly float[] _latents;
    private readonly float[] _modelInput;
    private readonly float[] _prediction;
    private readonly float[] _guidedNoise;
    private readonly float[] _predictedOriginal;
    private readonly float _guidanceScale;
    private ImageStart? _start;
    private UNetBindings? _bindings;
    private ConditioningRows? _conditioning;

    public Denoiser(UNetModel unet, IDiffusionScheduler scheduler, PromptEmbeddings prompt, GenerationSpec request, WeightOverrides? adapters = null)
    {
        _unet = unet;
        Adapters = adapters ?? WeightOverrides.None;
        _scheduler = scheduler;
        _prompt = prompt;
        Guided = prompt.Guided;
        _guidanceScale = (float)request.GuidanceScale;
        BatchSize = request.BatchSize;
        LatentHeight = request.Height / GenerationSpec.SizeMultiple;
        LatentWidth = request.Width / GenerationSpec.SizeMultiple;
        ImageLength = unet.LatentChannels * LatentHeight * LatentWidth;
        InputLength = unet.InputChannels * LatentHeight * LatentWidth;
        Samples = Guided ? 2 * BatchSize : BatchSize;
        _latents = new float[BatchSize * ImageLength];
        _modelInput = new float[BatchSize * InputLength];
        _prediction = new float[Samples * ImageLength];
        _guidedNoise = Guided ? new float[_latents.Length] : _prediction;
        _predictedOriginal = new float[_latents.Length];
    }

    public int BatchSize { get; }

    /// <summary>The UNet weights the job's adapters patch (<see cref="WeightOverrides.None"/> without adapters).</summary>
    public WeightOverrides Adapters { get; }

    public int LatentHeight { get; }

    public int LatentWidth { get; }

    /// <summary>Latent values per image (c · h · w).</summary>
    public int ImageLength { get; }

    /// <summary>Model-input values per image (c_in · h · w): <see cref="ImageLength"/> plus, for an inpainting UNet, the
    /// mask and masked-image channels.</summary>
    public int InputLength { get; }

    /// <summary>UNet samples per step: [uncond × B, cond × B] when guided, [cond × B] otherwise.</summary>
    public int Samples { get; }

    /// <summary>Whether the job runs classifier-free guidance.</summary>
    public bool Guided { get; }

    /// <summary>The schedule's model calls; the job makes those from <see cref="BeginIndex"/> on.</summary>
    public int TotalSteps => _scheduler.Timesteps.Count;

    /// <summary>The first model call the job makes: 0, or where image-to-image enters the schedule.</summary>
    public int BeginIndex => _scheduler.BeginIndex;

    /// <summary>The model calls the job makes.</summary>
    public int CallsRun => TotalSteps - BeginIndex;

    /// <summary>The UNet this job denoises with.</summary>
    public UNetModel UNet => _unet;

    /// <summary>The text conditioning: which sequence each source reads at each call (see <see cref="ConditioningAt"/>).</summary>
    public PromptEmbeddings Prompt => _prompt;

    /// <summary>The current latents x_t [B, c, h, w].</summary>
    public ReadOnlySpan<float> Latents => _latents;

    /// <summary>The model input of the prepared step [B, c_in, h, w]; guided jobs feed it to both halves.</summary>
    public ReadOnlySpan<float> ModelInput => _modelInput;

    /// <summary>Where the UNet's output for this job's <see cref="Samples"/> samples goes, in sample order.</summary>
    public Span<float> Prediction => _prediction;

    /// <summary>The timestep of model call <paramref name="index"/>.</summary>
    public double TimestepAt(int index) => _scheduler.Timesteps[index];

    /// <summary>Which sequence of <see cref="Prompt"/> conditions UNet sample <paramref name="sample"/>: the negative
    /// prompt for the first B samples of a guided job, the prompt otherwise.</summary>
    public int ConditioningSource(int sample) => sample / BatchSize;

    /// <summary>The conditioning sequence [Prompt.SequenceLength, d] of UNet sample <paramref name="sample"/> at model call
    /// <paramref name="index"/>: it changes between calls only where the prompt edits or alternates.</summary>
    public float[] ConditioningAt(int sample, int index) => _prompt.SequenceAt(ConditioningSource(sample), index - BeginIndex);

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

    /// <summary>
    /// Starts from a picture instead (image-to-image, inpainting): the scheduler enters at <paramref name="start"/>'s
    /// begin index and x = add_noise(x₀, ε, begin) (σ_init · ε for inpainting at strength 1). With a mask, the kept
    /// area is re-noised from x₀ after every call, or fed to an inpainting UNet's extra channels.
    /// </summary>
    public void StartFromImage(ImageStart start)
    {
        _start = start;
        if (start.BeginIndex > 0)
        {
            _scheduler.SetBeginIndex(start.BeginIndex);
        }

        if (!start.FromPureNoise)
        {
            _scheduler.AddNoise(start.Original, start.Noise, start.BeginIndex, _latents);
            return;
        }

        var sigma = _scheduler.InitNoiseSigma;
        for (var i = 0; i < _latents.Length; i++)
        {
            _latents[i] = start.Noise[i] * sigma;
        }
    }

    /// <summary>One model evaluation over the job's own tensors and the scheduler update: x_t → x_{t−1}.</summary>
    public void Step(int index, CancellationToken cancellationToken)
    {
        PrepareInput(index);
        EvaluateAlone(index, cancellationToken);
        CompleteStep(index);
    }

    /// <summary>Writes the scaled model input of call <paramref name="index"/> to <see cref="ModelInput"/>.</summary>
    public void PrepareInput(int index)
    {
        if (InputLength == ImageLength)
        {
            _scheduler.ScaleModelInput(_latents, index, _modelInput);
            return;
        }

        // An inpainting UNet takes [scaled latents, mask, masked-image latents] per image along the channels.
        var start = _start
            ?? throw new InvalidOperationException("An inpainting UNet needs the mask and masked-image latents of StartFromImage or Condition.");
        for (var k = 0; k < BatchSize; k++)
        {
            var destination = _modelInput.AsSpan(k * InputLength, InputLength);
            _scheduler.ScaleModelInput(_latents.AsSpan(k * ImageLength, ImageLength), index, destination[..ImageLength]);
            start.UNetConditioningOf(k).CopyTo(destination[ImageLength..]);
        }
    }

    /// <summary>
    /// Gives a text-to-image job on an inpainting UNet its extra channels (the whole picture masked, the masked
    /// image's latents of a blank image), as A1111 does.
    /// </summary>
    public void Condition(ImageStart conditioning) => _start = conditioning;

    /// <summary>Guides <see cref="Prediction"/> and steps the scheduler: x_t → x_{t−1}, x̂_0 updated.</summary>
    public void CompleteStep(int index)
    {
        if (Guided)
        {
            ClassifierFreeGuidance.Combine(_prediction, _guidanceScale, _guidedNoise);
        }

        _scheduler.Step(_guidedNoise, index, _latents, _predictedOriginal);
        _start?.KeepUnmasked(_scheduler, index, _latents);
    }

    /// <summary>The scheduler's latest clean-latent estimate x̂_0 of image <paramref name="image"/>.</summary>
    public ReadOnlySpan<float> PredictedOriginal(int image) => _predictedOriginal.AsSpan(image * ImageLength, ImageLength);

    /// <summary>The latents of image <paramref name="image"/>.</summary>
    public ReadOnlySpan<float> ImageLatents(int image) => _latents.AsSpan(image * ImageLength, ImageLength);

    /// <inheritdoc />
    public void Dispose() => _bindings?.Dispose();

    /// <summary>Runs the UNet on the prepared input over the job's own tensors (created on first use) into <see cref="Prediction"/>.</summary>
    public void EvaluateAlone(int index, CancellationToken cancellationToken)
    {
        var bindings = _bindings ??= CreateBindings();
        bindings.Sample.Write(_modelInput);
        if (Guided)
        {
            bindings.Sample.Write(_modelInput, _modelInput.Length);
        }

        bindings.Timestep.Fill(_scheduler.Timesteps[index]);
        _conditioning!.Write(bindings.EncoderHiddenStates, 0, this, index);
        CancellableRun.Invoke(
            (Model: _unet, Tensors: bindings, Last: index == TotalSteps - 1, Adapters),
            static (state, options) => state.Model.Run(options, state.Tensors, state.Last, state.Adapters),
            cancellationToken);
        bindings.NoisePrediction.Read(_prediction);
    }

    private UNetBindings CreateBindings()
    {
        _conditioning = new ConditioningRows(Samples);
        return new UNetBindings(_unet, Samples, LatentHeight, LatentWidth, _prompt.SequenceLength, _prompt.HiddenSize);
    }
}
