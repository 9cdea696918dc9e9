using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SdPortal.Inference.Models;
using SdPortal.Inference.Schedulers;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// Text-to-image with classifier-free guidance over an opened model folder, in diffusers' order: encode the prompts,
/// draw x_T, then per step scale the input, run the UNet on the [uncond, cond] batch, guide and step the scheduler,
/// and finally decode with the VAE. Any number of jobs may run concurrently: each owns its buffers and scheduler.
/// </summary>
public sealed partial class StableDiffusionPipeline
{
    private static readonly JsonSerializerOptions RequestJson = new(JsonSerializerDefaults.Web);

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
        GenerationRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var errors = request.Validate(_model.LatentChannels);
        if (errors.Count > 0)
        {
            throw new GenerationValidationException(errors);
        }

        var started = _time.GetTimestamp();
        var seed = request.Seed ?? (ulong)Random.Shared.NextInt64(0, 1L << 32);
        var noise = new BatchNoise(seed, request.BatchSize);
        var scheduler = CreateScheduler(request, noise);
        return await Task.Run(
            () => GenerateCoreAsync(request with { Seed = seed }, seed, noise, scheduler, progress, started, cancellationToken),
            cancellationToken);
    }

    private async Task<GenerationResult> GenerateCoreAsync(
        GenerationRequest request,
        ulong seed,
        BatchNoise noise,
        IDiffusionScheduler scheduler,
        IProgress<GenerationProgress>? progress,
        long started,
        CancellationToken cancellationToken)
    {
        var guided = ClassifierFreeGuidance.IsGuided(request.GuidanceScale);
        var prompt = PromptEmbeddings.Encode(_model, request, guided, cancellationToken);
        var encoded = _time.GetTimestamp();

        using var denoiser = new Denoiser(_model.UNet, scheduler, prompt, request);
        denoiser.InitializeLatents(noise, request.InitialLatents);
        var steps = scheduler.Timesteps.Count;
        var preview = _options.PreviewInterval > 0 && _model.LatentChannels == LatentPreview.Channels
            ? new LatentPreview(denoiser.LatentWidth, denoiser.LatentHeight)
            : null;
        using (var lane = _evaluator.Join(denoiser))
        {
            for (var i = 0; i < steps; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                denoiser.PrepareInput(i);
                await lane.EvaluateAsync(i, cancellationToken);
                denoiser.CompleteStep(i);
                Report(progress, preview, denoiser, i, steps, encoded);
            }
        }

        var denoised = _time.GetTimestamp();
        var images = Decode(request, seed, scheduler.Name, denoiser, cancellationToken);
        var finished = _time.GetTimestamp();
        var timings = new GenerationTimings(
            _time.GetElapsedTime(started, encoded),
            _time.GetElapsedTime(encoded, denoised),
            _time.GetElapsedTime(denoised, finished),
            _time.GetElapsedTime(started, finished),
            steps);
        LogGenerated(_logger, request.BatchSize, request.Width, request.Height, steps, scheduler.Name, timings.Total.TotalMilliseconds, timings.ItPerSecond);
        return new GenerationResult(images, seed, prompt.PromptTruncated, prompt.NegativePromptTruncated, timings);
    }

    private void Report(
        IProgress<GenerationProgress>? progress, LatentPreview? preview, Denoiser denoiser, int i, int steps, long encoded)
    {
        if (progress is null)
        {
            return;
        }

        var elapsed = _time.GetElapsedTime(encoded);
        var wantsPreview = preview is not null && ((i + 1) % _options.PreviewInterval == 0 || i == steps - 1);
        var png = wantsPreview ? preview!.Render(denoiser.PredictedOriginal(0)) : null;
        var itPerSecond = elapsed > TimeSpan.Zero ? (i + 1) / elapsed.TotalSeconds : 0;
        progress.Report(new GenerationProgress(i + 1, steps, elapsed, itPerSecond, png));
    }

    /// <summary>
    /// Builds the job's scheduler before any model runs. Limits that only the scheduler knows (LCM's step ceiling, a
    /// prediction type it cannot use) become field errors like the request's own.
    /// </summary>
    private IDiffusionScheduler CreateScheduler(GenerationRequest request, BatchNoise noise)
    {
        try
        {
            return SchedulerFactory.Create(request.Scheduler, _model.SchedulerConfig, request.Steps, noise);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new GenerationValidationException([new("steps", ex.Message)]);
        }
        catch (ArgumentException ex)
        {
            throw new GenerationValidationException([new("scheduler", ex.Message)]);
        }
    }

    private List<GeneratedImage> Decode(
        GenerationRequest request, ulong seed, string sampler, Denoiser denoiser, CancellationToken cancellationToken)
    {
        using var decoder = new ImageDecoder(_model, request.Width, request.Height);
        var requestJson = JsonSerializer.Serialize(request, RequestJson);
        var images = new List<GeneratedImage>(request.BatchSize);
        for (var k = 0; k < request.BatchSize; k++)
        {
            var imageSeed = BatchNoise.SeedOf(seed, k);
            KeyValuePair<string, string>[] text =
            [
                new("parameters", InfoText.Format(request, imageSeed, sampler, _model.ModelHash)),
                new("sdportal-request", requestJson),
            ];
            var png = decoder.DecodePng(denoiser.ImageLatents(k), text, cancellationToken);
            images.Add(new GeneratedImage(png, imageSeed, request.Width, request.Height));
        }

        return images;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Generated {Count} image(s) of {Width}x{Height} in {Steps} steps of {Sampler}: {TotalMs:F0} ms, {ItPerSecond:F2} it/s")]
    private static partial void LogGenerated(ILogger logger, int count, int width, int height, int steps, string sampler, double totalMs, double itPerSecond);
}
