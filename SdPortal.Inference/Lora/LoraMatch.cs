namespace SdPortal.Inference.Lora;

/// <summary>
/// How an adapter fits a model: every module found with a weight of the right shape, or the modules that are not.
/// An adapter that does not fit is refused whole rather than applied in part (A1111 skips such keys with a log line;
/// a tenant paying for a job is better served by hearing at upload that half their adapter would be ignored).
/// </summary>
/// <param name="UnmatchedKeys">Modules naming no patchable weight of the model.</param>
/// <param name="Mismatched">Modules whose weight exists but whose shapes do not fit it, each with the reason.</param>
/// <param name="Targets">For each module of the adapter that fits, the weight it patches (same order as the modules).</param>
public sealed record LoraMatch(IReadOnlyList<string> UnmatchedKeys, IReadOnlyList<string> Mismatched, IReadOnlyList<ModelWeight?> Targets)
{
    /// <summary>True when every module patches a weight of the model.</summary>
    public bool Fits => UnmatchedKeys.Count == 0 && Mismatched.Count == 0;
}
