using System.Globalization;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Memory;

/// <summary>
/// Turns estimates into a verdict: the whole batch in one pass when it fits the budget, otherwise the largest pass that
/// does (sequential passes give the same images, image k using seed + k), otherwise a refusal naming the size that
/// would fit.
/// </summary>
public static class MemoryPlan
{
    /// <summary>Plans <paramref name="request"/> on <paramref name="model"/> within <paramref name="budgetBytes"/>.</summary>
    public static MemoryVerdict For(ModelArchitecture model, GenerationSpec request, long budgetBytes)
    {
        var guided = ClassifierFreeGuidance.IsGuided(request.GuidanceScale);
        var whole = MemoryEstimator.Estimate(model, request.Width, request.Height, request.BatchSize, guided);
        for (var images = request.BatchSize; images >= 1; images--)
        {
            var estimate = images == request.BatchSize ? whole : MemoryEstimator.Estimate(model, request.Width, request.Height, images, guided);
            if (estimate.PeakBytes <= budgetBytes)
            {
                return new MemoryVerdict(images, estimate, whole.PeakBytes, budgetBytes);
            }
        }

        var single = MemoryEstimator.Estimate(model, request.Width, request.Height, 1, guided);
        var side = LargestSquareSide(model, guided, budgetBytes);
        var advice = side is { } s ? $"use at most {s}×{s} (or another size of no more pixels)" : "no image size fits";
        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"{request.Width}×{request.Height} needs about {Gigabytes(single.PeakBytes)} of memory even one image at a time; this server allows {Gigabytes(budgetBytes)} per job; {advice}");
        return new MemoryVerdict(0, single, whole.PeakBytes, budgetBytes, request.Width >= request.Height ? "width" : "height", message);
    }

    /// <summary>Formats bytes as decimal gigabytes, e.g. "3.4 GB".</summary>
    public static string Gigabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.0} GB");

    private static int? LargestSquareSide(ModelArchitecture model, bool guided, long budgetBytes)
    {
        for (var side = GenerationSpec.MaxSize; side >= GenerationSpec.MinSize; side -= GenerationSpec.SizeMultiple)
        {
            if (MemoryEstimator.Estimate(model, side, side, 1, guided).PeakBytes <= budgetBytes)
            {
                return side;
            }
        }

        return null;
    }
}
