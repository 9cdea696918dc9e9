using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using SdPortal.Inference.Batching;
using SdPortal.Inference.Lora;
using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Benchmarks;

/// <summary>
/// The batching figures: the UNet call at several batch sizes (samples; a guided image is two), and sustained
/// images per second with many concurrent requests through the step batcher versus each job running its own calls.
/// </summary>
internal static class BatchingBenchmark
{
    /// <summary>UNet batch sizes measured, in samples (batch 2 is one guided image).</summary>
    public static readonly int[] Samples = [2, 8, 16, 32];

    public static async Task<BatchingFigures> RunAsync(
        StableDiffusionModelFolder model, GenerationSpec request, int concurrent, int repetitions, CancellationToken cancellationToken)
    {
        var latent = request.Width / GenerationSpec.SizeMultiple;
        var stepMs = Samples.ToDictionary(n => n, n => UNetCallMs(model, n, request.Height / GenerationSpec.SizeMultiple, latent, repetitions));

        var requests = Enumerable.Range(0, concurrent).Select(i => request with { Seed = (ulong)(1000 + i) }).ToArray();
        var unbatched = await ImagesPerSecondAsync(new StableDiffusionPipeline(model, new StableDiffusionPipelineOptions { PreviewInterval = 0 }), requests, cancellationToken);
        var buckets = model.Device.Kind == InferenceDeviceKind.Cpu ? BatchBuckets.Exact(32) : BatchBuckets.Parse(new BatchingOptions().Buckets);
        using var batcher = new StepBatcher(new OnnxBatchRunner(), buckets, TimeSpan.FromMilliseconds(2), model.Device.ToString(), NullLogger.Instance);
        var batched = await ImagesPerSecondAsync(
            new StableDiffusionPipeline(model, batcher, new StableDiffusionPipelineOptions { PreviewInterval = 0 }), requests, cancellationToken);
        var statistics = batcher.Statistics;
        return new BatchingFigures(
            stepMs,
            concurrent,
            unbatched.ImagesPerSecond,
            batched.ImagesPerSecond,
            statistics.Calls > 0 ? (double)statistics.Samples / statistics.Calls : 0,
            statistics.Samples > 0 ? (double)statistics.Padding / statistics.Samples : 0);
    }

    /// <summary>Median milliseconds of one UNet call of <paramref name="samples"/> samples over bound, reused tensors.</summary>
    private static double UNetCallMs(StableDiffusionModelFolder model, int samples, int latentHeight, int latentWidth, int repetitions)
    {
        var hidden = model.UNet.EncoderHiddenStates.Dimensions[2] > 0 ? model.UNet.EncoderHiddenStates.Dimensions[2] : 768;
        using var tensors = new UNetBatchTensors(model.UNet, samples, latentHeight, latentWidth, 77, hidden);
        using var options = new RunOptions();
        tensors.Run(options, WeightOverrides.None); // warm-up: arena growth, kernel choice
        var times = new double[Math.Max(3, repetitions)];
        for (var i = 0; i < times.Length; i++)
        {
            var clock = Stopwatch.StartNew();
            tensors.Run(options, WeightOverrides.None);
            times[i] = clock.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return times[times.Length / 2];
    }

    private static async Task<(double ImagesPerSecond, double Seconds)> ImagesPerSecondAsync(
        StableDiffusionPipeline pipeline, GenerationSpec[] requests, CancellationToken cancellationToken)
    {
        await pipeline.GenerateAsync(requests[0] with { Steps = 2 }, cancellationToken: cancellationToken); // warm-up
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(requests.Select(r => pipeline.GenerateAsync(r, cancellationToken: cancellationToken)));
        var seconds = clock.Elapsed.TotalSeconds;
        return (results.Sum(r => r.Images.Count) / seconds, seconds);
    }
}

/// <summary>What step batching buys on one device.</summary>
/// <param name="UNetCallMs">Median milliseconds of one UNet call, by batch size in samples (2 = one guided image).</param>
/// <param name="ConcurrentRequests">Requests submitted at once for the throughput figures.</param>
/// <param name="UnbatchedImagesPerSecond">Images per second with every job running its own calls.</param>
/// <param name="BatchedImagesPerSecond">Images per second through the step batcher.</param>
/// <param name="MeanSamplesPerCall">Samples per shared call the batcher achieved.</param>
/// <param name="PaddingShare">Padding samples per job sample (0 on the CPU, which runs exact sizes).</param>
public sealed record BatchingFigures(
    IReadOnlyDictionary<int, double> UNetCallMs,
    int ConcurrentRequests,
    double UnbatchedImagesPerSecond,
    double BatchedImagesPerSecond,
    double MeanSamplesPerCall,
    double PaddingShare);
