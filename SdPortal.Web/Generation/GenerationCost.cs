using Microsoft.Extensions.Options;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Web.Generation;

/// <summary>
/// What a generation costs in credits: <c>batchSize × max(1, ⌈width × height × steps / PixelStepsPerCredit⌉)</c>, with
/// the steps that run (<see cref="GenerationSpec.DenoisingSteps"/>).
/// Work grows with pixels and steps, and each image of a batch is a full generation; the minimum of one credit per
/// image keeps tiny requests from being free.
/// </summary>
public sealed class GenerationCost(IOptionsMonitor<GenerationOptions> options)
{
    /// <summary>The price of <paramref name="spec"/>: its steps are the ones that run (image-to-image runs the tail only).</summary>
    public long Credits(GenerationSpec spec) => Credits(spec.Width, spec.Height, spec.DenoisingSteps, spec.BatchSize);

    public long Credits(int width, int height, int steps, int batchSize)
    {
        var pixelSteps = (long)Math.Max(width, 0) * Math.Max(height, 0) * Math.Max(steps, 0);
        var perImage = Math.Max(1, (pixelSteps + options.CurrentValue.PixelStepsPerCredit - 1) / options.CurrentValue.PixelStepsPerCredit);
        return Math.Max(batchSize, 1) * perImage;
    }
}
