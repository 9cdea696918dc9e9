using System.Diagnostics;
using SdPortal.Inference.Lora;
using SdPortal.Inference.Lora.Synthetic;
using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Benchmarks;

/// <summary>
/// What switching adapters costs (ADR-021, docs/benchmarks.md): for a synthetic adapter of each rank over a model's
/// transformer and text-encoder layers, the time to build its patched weights (a job's first use of the set), the
/// time to take the cached set again, the host memory the set holds, and — when <c>MeasureAsync</c> is given a
/// size — the time of a job with the set next to a job without, on the same patchable session, and one on the model
/// opened as stored. Ratios in one process, since these machines are shared.
/// </summary>
internal static class LoraBenchmark
{
    public static async Task<object> MeasureAsync(string directory, int[] ranks, int size, int steps, int rounds, CancellationToken cancellationToken)
    {
        using var patchable = StableDiffusionModelFolder.Open(directory, InferenceDevice.Cpu, adapterBudgetBytes: long.MaxValue);
        var cache = patchable.Adapters ?? throw new InvalidOperationException($"{directory} takes no adapters.");
        var modelBytes = cache.Index.UNet.Weights.Concat(cache.Index.TextEncoder.Weights).Sum(w => w.ElementCount * (w.ElementType == Onnx.TensorProto.Types.DataType.Float16 ? 2L : 4L));
        var sets = new List<object>();
        AdapterSet? sample = null;
        foreach (var rank in ranks)
        {
            var file = SyntheticLora.ForModel(directory, rank, seed: (ulong)rank, include: IsTransformerOrTextEncoder);
            var weights = LoraWeights.Parse(file);
            var set = new AdapterSet([new AdapterUse("bench", weights, 0.8f)]);
            sample ??= set;
            var clock = Stopwatch.StartNew();
            var lease = cache.Acquire(set);
            var buildMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            using (cache.Acquire(set))
            {
            }

            var cachedMs = clock.Elapsed.TotalMilliseconds;
            var bytes = lease.TextEncoder.Bytes + lease.UNet.Bytes;
            lease.Dispose();
            sets.Add(new { rank, fileBytes = file.Length, modules = weights.ModuleCount, patchedWeights = lease.TextEncoder.Names.Length + lease.UNet.Names.Length, buildMs, cachedMs, setBytes = bytes, fractionOfPatchableWeights = (double)bytes / modelBytes });
        }

        object? jobs = null;
        if (size > 0 && sample is not null)
        {
            using var stored = StableDiffusionModelFolder.Open(directory, InferenceDevice.Cpu);
            var request = new GenerationSpec { Prompt = "a product photo of a mug", Steps = steps, Width = size, Height = size, Scheduler = "Euler", Seed = 1 };
            var withAdapter = request with
            {
                Loras = [new LoraUse("bench", 0.8)],
                Inputs = new GenerationInputs(null) { Adapters = new Dictionary<string, LoraWeights>(StringComparer.OrdinalIgnoreCase) { ["bench"] = sample.Uses[0].Weights } },
            };
            var runs = new (string Name, StableDiffusionModelFolder Model, GenerationSpec Request)[]
            {
                ("stored", stored, request), ("patchable", patchable, request), ("patchable+adapter", patchable, withAdapter),
            };
            var times = runs.ToDictionary(r => r.Name, _ => new List<double>());
            for (var round = -1; round < rounds; round++)
            {
                foreach (var (name, model, spec) in runs)
                {
                    var clock = Stopwatch.StartNew();
                    await new StableDiffusionPipeline(model).GenerateAsync(spec, null, cancellationToken);
                    if (round >= 0)
                    {
                        times[name].Add(clock.Elapsed.TotalMilliseconds);
                    }
                }
            }

            var medians = times.ToDictionary(t => t.Key, t => t.Value.Order().ElementAt(t.Value.Count / 2));
            jobs = new { size, steps, rounds, msPerJob = medians, patchableOverStored = medians["patchable"] / medians["stored"], adapterOverPatchable = medians["patchable+adapter"] / medians["patchable"] };
        }

        return new
        {
            machine = $"{Environment.ProcessorCount} logical CPUs, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes} bytes of memory, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
            model = directory,
            patchableWeightBytes = modelBytes,
            sets,
            jobs,
        };
    }

    /// <summary>What kohya's default LoRA targets: the UNet's transformer blocks (attention, feed-forward, proj_in/out) and the text encoder's layers.</summary>
    private static bool IsTransformerOrTextEncoder(ModelWeight weight) =>
        weight.Component == LoraComponent.TextEncoder
            ? weight.ModulePath.Contains(".layers.", StringComparison.Ordinal)
            : weight.ModulePath.Contains(".attentions.", StringComparison.Ordinal);
}
