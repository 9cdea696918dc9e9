namespace SdPortal.Inference.Pipeline;

/// <summary>What one request produced.</summary>
/// <param name="Images">The images, in batch order.</param>
/// <param name="Seed">The seed of the first image (the request's, or the one drawn for it); image k used Seed + k.</param>
/// <param name="PromptTruncated">Whether the prompt was longer than the text encoder's 75 content tokens.</param>
/// <param name="NegativePromptTruncated">Whether the negative prompt was cut in the same way.</param>
/// <param name="Timings">Where the time went.</param>
public sealed record GenerationResult(
    IReadOnlyList<GeneratedImage> Images, ulong Seed, bool PromptTruncated, bool NegativePromptTruncated, GenerationTimings Timings)
{
    /// <summary>What the user should be told about the run, e.g. "prompt cut at 75 tokens: 'tail words…'"; empty when
    /// nothing.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>One finished image.</summary>
/// <param name="Png">The PNG file, with the A1111 "parameters" and the "sdportal-request" text chunks.</param>
/// <param name="Seed">The seed that reproduces this image alone (batch size 1).</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public sealed record GeneratedImage(byte[] Png, ulong Seed, int Width, int Height);

/// <summary>Wall-clock time of each stage of a generation.</summary>
/// <param name="TextEncoding">Building the scheduler, tokenizing and the text encoder.</param>
/// <param name="Denoising">The denoising loop.</param>
/// <param name="Decoding">VAE decoding and PNG encoding.</param>
/// <param name="Total">From the accepted request to the last PNG.</param>
/// <param name="Steps">Denoising steps run.</param>
public sealed record GenerationTimings(TimeSpan TextEncoding, TimeSpan Denoising, TimeSpan Decoding, TimeSpan Total, int Steps)
{
    /// <summary>Denoising steps per second.</summary>
    public double ItPerSecond => Denoising > TimeSpan.Zero ? Steps / Denoising.TotalSeconds : 0;
}
