namespace SdPortal.Inference.Pipeline;

/// <summary>Reported after each denoising step (one UNet evaluation).</summary>
/// <param name="Step">The step just finished, 1-based.</param>
/// <param name="TotalSteps">The number of steps the job runs (the scheduler's model calls).</param>
/// <param name="Elapsed">Time since denoising began.</param>
/// <param name="ItPerSecond">Steps finished per second so far.</param>
/// <param name="PreviewPng">
/// A small PNG of the current clean-image estimate of the batch's first image (latent→RGB approximation, at most
/// 64 pixels on its longer side), on the steps the pipeline options select; otherwise null.
/// </param>
public sealed record GenerationProgress(int Step, int TotalSteps, TimeSpan Elapsed, double ItPerSecond, byte[]? PreviewPng);
