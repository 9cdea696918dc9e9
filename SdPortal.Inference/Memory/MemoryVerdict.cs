namespace SdPortal.Inference.Memory;

/// <summary>Whether a request fits the job memory budget, and how.</summary>
/// <param name="ImagesPerPass">
/// How many of the batch's images one UNet pass may denoise: the whole batch when it fits, fewer when only a smaller
/// pass does (the images are the same either way, since image k always uses seed + k), 0 when not even one fits.
/// </param>
/// <param name="Estimate">The estimate at <paramref name="ImagesPerPass"/> (or at one image when refused).</param>
/// <param name="RequestedPeakBytes">The estimated peak of the whole batch in one pass.</param>
/// <param name="BudgetBytes">The budget it was compared with.</param>
/// <param name="Field">When refused: the request field to blame (<c>width</c> or <c>height</c>).</param>
/// <param name="Message">When refused: what the request needs, what the server allows and what would fit.</param>
public sealed record MemoryVerdict(
    int ImagesPerPass, MemoryEstimate? Estimate, long RequestedPeakBytes, long BudgetBytes, string? Field = null, string? Message = null)
{
    /// <summary>The verdict when the model's architecture is unknown or no budget applies: run as asked.</summary>
    public static MemoryVerdict Unchecked(int batchSize) => new(batchSize, null, 0, 0);

    /// <summary>Whether the request is refused.</summary>
    public bool Refused => ImagesPerPass == 0;
}
