using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SdPortal.Inference.Lora;
using SdPortal.Inference.Models;
using SdPortal.Inference.Schedulers;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// Text-to-image, image-to-image and inpainting with classifier-free guidance over an opened model folder, in
/// diffusers' order: encode the prompts, draw x_T (or encode the picture and noise it to where the schedule is entered,
/// see <see cref="ImageStart"/>), then per step scale the input, run the UNet on the [uncond, cond] batch, guide and
/// step the scheduler, and finally decode with the VAE (and lay the original over the unmasked area, see
/// <see cref="SourceImages"/>). Any number of jobs may run concurrently: each owns its buffers and scheduler.
/// </summary>
public sealed partial class StableDiffusionPipeline
{
    private readonly StableDiffusionModelFolder _model;
    private readonly StableDiffusionPipelineOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IUNetEvaluator _evaluator;

    /// <summary>Creates a pipeline over <paramref name="model"/>, which it uses but does not own.</summary>
    public StableDiffusionPipeline(
        StableDiffusionModelFolder model,
        StableDiffusionPipelineOptions? options = null,
        ILogger<StableDiffusionPipeline>? logger = null,
        TimeProvider? timeProvider = null)
        : this(model, SoloUNetEvaluator.Instance, options, logger, timeProvider)
    {
    }

    /// <summary>Creates a pipeline whose UNet evaluations run through <paramref name="evaluator"/> (e.g. a step batcher).</summary>
    internal StableDiffusionPipeline(
        StableDiffusionModelFolder model,
        IUNetEvaluator evaluator,
        StableDiffusionPipelineOptions? options = null,
        ILogger<StableDiffusionPipeline>? logger = null,
        TimeProvider? timeProvider = null)
    {
        _model = model;
        _evaluator = evaluator;
        _options = options ?? new StableDiffusionPipelineOptions();
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Runs <paramref name="request"/>, reporting each step to <paramref name="progress"/>.</summary>
    /// <exception cref="GenerationValidationException">The request is invalid; no model has run.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the job stops within one step.</exception>
    public async Task<GenerationResult> GenerateAsync(
        GenerationSpec request, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var errors = request.Validate(_model.LatentChannels, sizeMultiple: _model.SizeMultiple);
        if (errors.Count > 0)
        {
            throw new GenerationValidationException(errors);
        }

        if (request.Mode != GenerationMode.TextToImage && !_model.CanEncodeImages)
        {
            throw new GenerationValidationException(
                [new("initImageId", "this model cannot start from an image: its folder has no vae_encoder")]);
        }

        var adapters = Adapters(request);

        // Decoded before any model runs, so a bad file is a field error and not a failed job.
        var source = request.Mode == GenerationMode.TextToImage ? null : SourceImages.Prepare(request, _options.InputLimits);
        var started = _time.GetTimestamp();
        var seed = request.Seed ?? (ulong)Random.Shared.NextInt64(0, 1L << 32);
        var passes = Passes(request.BatchSize);

        // Every pass's scheduler is built before any model runs, so a scheduler's field error stops the job up front.
        // Each pass's noise feeds both its starting latents and its scheduler (ancestral samplers draw more of it).
        var noises = passes.Select(p => new BatchNoise(BatchNoise.SeedOf(seed, p.First), p.Count)).ToList();
        var schedulers = noises.Select(noise => request.CreateScheduler(_model.SchedulerConfig, noise)).ToList();
        return await Task.Run(
            () => GenerateCoreAsync(request with { Seed = seed }, seed, source, adapters, passes, noises, schedulers, progress, started, cancellationToken),
            cancellationToken);
    }

    private async Task<GenerationResult> GenerateCoreAsync(
        GenerationSpec request,
        ulong seed,
        SourceImages? source,
        AdapterSet adapters,
        List<(int First, int Count)> passes,
        List<BatchNoise> noises,
        List<IDiffusionScheduler> schedulers,
        IProgress<GenerationProgress>? progress,
        long started,
        CancellationToken cancellationToken)
    {
        var guided = ClassifierFreeGuidance.IsGuided(request.GuidanceScale);
        using var patches = adapters.IsEmpty ? AdapterLease.None : _model.Adapters!.Acquire(adapters);
        var prompt = PromptEmbeddings.Encode(_model, request, guided, cancellationToken, patches.TextEncoder);
        var encoded = _time.GetTimestamp();
        var images = new List<GeneratedImage>(request.BatchSize);
        using var encoder = source is not null || _model.HasInpaintingUNet ? new ImageEncoder(_model, request.Width, request.Height) : null;
        var beginIndex = source is null ? 0 : ImageToImageStart.BeginIndex(schedulers[0], request.Steps, request.Strength);
        var steps = schedulers[0].Timesteps.Count - beginIndex;
        var totalSteps = steps * passes.Count;
        var denoising = TimeSpan.Zero;
        var decoding = TimeSpan.Zero;
        for (var p = 0; p < passes.Count; p++)
        {
            var (first, count) = passes[p];
            var passStarted = _time.GetTimestamp();
            using var denoiser = new Denoiser(_model.UNet, schedulers[p], prompt, request with { BatchSize = count }, patches.UNet);
            Start(denoiser, request, source, encoder, beginIndex, noises[p], PassLatents(request, first, count), cancellationToken);
            await DenoiseAsync(denoiser, p * steps, totalSteps, progress, encoded, cancellationToken);
            var denoised = _time.GetTimestamp();
            images.AddRange(Decode(request, seed, first, schedulers[p].Name, source, denoiser, cancellationToken));
            denoising += _time.GetElapsedTime(passStarted, denoised);
            decoding += _time.GetElapsedTime(denoised);
        }

        var finished = _time.GetTimestamp();
        var timings = new GenerationTimings(
            _time.GetElapsedTime(started, encoded), denoising, decoding, _time.GetElapsedTime(started, finished), totalSteps);
        LogGenerated(_logger, request.BatchSize, request.Width, request.Height, steps, schedulers[0].Name, passes.Count, timings.Total.TotalMilliseconds, timings.ItPerSecond);
        return new GenerationResult(images, seed, prompt.PromptTruncated, prompt.NegativePromptTruncated, timings)
        {
            Warnings = prompt.Warnings,
        };
    }

    /// <summary>
    /// x at the first call: seeded noise for text-to-image (with a blank picture's conditioning on an inpainting UNet),
    /// the encoded picture noised to the begin index otherwise.
    /// </summary>
    private void Start(
        Denoiser denoiser,
        GenerationSpec request,
        SourceImages? source,
        ImageEncoder? encoder,
        int beginIndex,
        BatchNoise noise,
        ReadOnlyMemory<float>? initialNoise,
        CancellationToken cancellationToken)
    {
        if (source is null)
        {
            denoiser.InitializeLatents(noise, initialNoise);
            if (_model.HasInpaintingUNet)
            {
                denoiser.Condition(ImageStart.ForTextToImage(encoder!, request.Width, request.Height, denoiser.BatchSize, noise, cancellationToken));
            }

            return;
        }

        denoiser.StartFromImage(ImageStart.FromImages(
            source, encoder!, request, denoiser.BatchSize, beginIndex, _model.HasInpaintingUNet, noise, initialNoise, cancellationToken));
    }

    /// <summary>Runs one pass's steps; progress counts the steps of all passes (<paramref name="done"/> before this one).</summary>
    private async Task DenoiseAsync(
        Denoiser denoiser, int done, int totalSteps, IProgress<GenerationProgress>? progress, long encoded, CancellationToken cancellationToken)
    {
        var preview = _options.PreviewInterval > 0 && _model.LatentChannels == LatentPreview.Channels
            ? new LatentPreview(denoiser.LatentWidth, denoiser.LatentHeight)
            : null;
        using var lane = _evaluator.Join(denoiser);
        for (var i = denoiser.BeginIndex; i < denoiser.TotalSteps; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            denoiser.PrepareInput(i);
            await lane.EvaluateAsync(i, cancellationToken);
            denoiser.CompleteStep(i);
            Report(progress, preview, denoiser, i, done + i - denoiser.BeginIndex, totalSteps, encoded);
        }
    }

    /// <summary>The batch cut into passes of at most <see cref="StableDiffusionPipelineOptions.ImagesPerPass"/> images.</summary>
    private List<(int First, int Count)> Passes(int batchSize)
    {
        var perPass = Math.Clamp(_options.ImagesPerPass ?? batchSize, 1, batchSize);
        var passes = new List<(int First, int Count)>();
        for (var first = 0; first < batchSize; first += perPass)
        {
            passes.Add((first, Math.Min(perPass, batchSize - first)));
        }

        return passes;
    }

    /// <summary>The caller's starting noise for images first…first + count − 1, if it gave any.</summary>
    private static ReadOnlyMemory<float>? PassLatents(GenerationSpec request, int first, int count)
    {
        if (request.InitialLatents is not { } latents)
        {
            return null;
        }

        var perImage = latents.Length / request.BatchSize;
        return latents.Slice(first * perImage, count * perImage);
    }

    private void Report(
        IProgress<GenerationProgress>? progress, LatentPreview? preview, Denoiser denoiser, int i, int overall, int totalSteps, long encoded)
    {
        if (progress is null)
        {
            return;
        }

        var elapsed = _time.GetElapsedTime(encoded);
        var wantsPreview = preview is not null && ((i + 1) % _options.PreviewInterval == 0 || i == denoiser.TotalSteps - 1);
        var png = wantsPreview ? preview!.Render(denoiser.PredictedOriginal(0)) : null;
        var itPerSecond = elapsed > TimeSpan.Zero ? (overall + 1) / elapsed.TotalSeconds : 0;

        // On the request's scale (what the portal shows as "step n of Steps"): with several passes each step is
        // reported once per pass, rounded up so the first call reports 1 and the last reports Steps.
        var steps = denoiser.CallsRun;
        var step = (int)(((long)(overall + 1) * steps + totalSteps - 1) / totalSteps);
        progress.Report(new GenerationProgress(step, steps, elapsed, itPerSecond, png));
    }

    /// <summary>
    /// The job's adapters with their files (<see cref="GenerationInputs.Adapters"/>): each named adapter must be
    /// supplied, and the model must take adapters; otherwise a field error before any model runs.
    /// </summary>
    private AdapterSet Adapters(GenerationSpec request)
    {
        var named = request.Adapters;
        if (named.Count == 0)
        {
            return new AdapterSet([]);
        }

        var errors = new List<GenerationFieldError>();
        var uses = new List<AdapterUse>(named.Count);
        for (var i = 0; i < named.Count; i++)
        {
            var field = i < (request.Loras?.Count ?? 0) ? $"loras[{i}].name" : "prompt";
            if (!_model.SupportsAdapters)
            {
                errors.Add(new(field, "this model takes no adapters (its attention weights are packed or the adapter budget is 0)"));
            }
            else if (request.Inputs?.Adapters.GetValueOrDefault(named[i].Name) is not { } weights)
            {
                errors.Add(new(field, $"{GenerationSpec.Quote(named[i].Name)} names no adapter that was supplied"));
            }
            else if (_model.Adapters!.Index.Match(weights) is { Fits: false } match)
            {
                errors.Add(new(field, $"{GenerationSpec.Quote(named[i].Name)} does not fit this model: {match.UnmatchedKeys.Count + match.Mismatched.Count} of its {weights.ModuleCount} modules match no weight of it"));
            }
            else
            {
                uses.Add(new AdapterUse(named[i].Name, weights, (float)named[i].Weight));
            }
        }

        return errors.Count > 0 ? throw new GenerationValidationException(errors) : new AdapterSet(uses);
    }

    /// <summary>Decodes one pass's images, whose first is image <paramref name="first"/> of the whole request.</summary>
    private List<GeneratedImage> Decode(
        GenerationSpec request, ulong seed, int first, string sampler, SourceImages? source, Denoiser denoiser, CancellationToken cancellationToken)
    {
        using var decoder = new ImageDecoder(_model, request.Width, request.Height);
        var requestJson = GenerationSpecJson.Serialize(request);
        var images = new List<GeneratedImage>(denoiser.BatchSize);
        for (var k = 0; k < denoiser.BatchSize; k++)
        {
            var imageSeed = BatchNoise.SeedOf(seed, first + k);
            KeyValuePair<string, string>[] text =
            [
                new("parameters", InfoText.Format(request, imageSeed, sampler, _model.ModelHash)),
                new("sdportal-request", requestJson),
            ];
            var png = decoder.DecodePng(denoiser.ImageLatents(k), text, source is null ? null : source.Finish, cancellationToken);
            images.Add(new GeneratedImage(png, imageSeed, request.Width, request.Height));
        }

        return images;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Generated {Count} image(s) of {Width}x{Height} in {Steps} steps of {Sampler} ({Passes} pass(es)): {TotalMs:F0} ms, {ItPerSecond:F2} it/s")]
    private static partial void LogGenerated(ILogger logger, int count, int width, int height, int steps, string sampler, int passes, double totalMs, double itPerSecond);
}
