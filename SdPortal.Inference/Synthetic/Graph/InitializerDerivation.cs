namespace SdPortal.Inference.Synthetic.Graph;

/// <summary>
/// A tensor computed from source tensors that are drawn exactly as the plain form draws them (same names, so the same
/// seeded streams), then rearranged: interleaved into packed Q/K/V, transposed to channels-last. The fused form of a
/// model therefore holds the same weights as its plain form, which is what lets tests compare their outputs.
/// </summary>
/// <param name="Sources">The plain-form tensors, in the order <paramref name="Combine"/> takes them.</param>
/// <param name="Combine">Builds the derived tensor's values (row-major) from the sources' values.</param>
public sealed record InitializerDerivation(IReadOnlyList<InitializerSource> Sources, Func<IReadOnlyList<float[]>, float[]> Combine);

/// <summary>A plain-form tensor a derivation reads: its name (which seeds its values), how it is drawn, its shape.</summary>
/// <param name="Name">The plain form's parameter name.</param>
/// <param name="Init">How the plain form draws it.</param>
/// <param name="Shape">The plain form's shape.</param>
public sealed record InitializerSource(string Name, WeightInit Init, IReadOnlyList<long> Shape)
{
    /// <summary>Number of elements.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);
}
