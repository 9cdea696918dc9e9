namespace SdPortal.Inference.Lora;

/// <summary>
/// One low-rank update of an adapter: ΔW = (Alpha / Rank) · Up · Down, where Down is [rank, in] or [rank, in, kh, kw]
/// (a LoCon convolution) and Up is [out, rank] (trailing 1×1 dimensions dropped). Values are decoded to float once.
/// </summary>
/// <param name="Key">The module as the file names it, without the tensor suffix (<c>lora_unet_mid_block_attentions_0_proj_in</c>).</param>
/// <param name="Component">Which component it patches.</param>
/// <param name="ModulePath">The module's path in dotted form when the file gives it (PEFT), or null when it is flattened
/// with underscores (kohya) and must be matched against the model's own paths.</param>
/// <param name="Down">Down's values, row-major [rank, in·kh·kw].</param>
/// <param name="DownShape">Down's shape as stored.</param>
/// <param name="Up">Up's values, row-major [out, rank].</param>
/// <param name="OutFeatures">Up's first dimension.</param>
/// <param name="Rank">The rank r.</param>
/// <param name="Alpha">The scale numerator; the file's alpha, or the rank when it gives none.</param>
public sealed record LoraModule(
    string Key,
    LoraComponent Component,
    string? ModulePath,
    float[] Down,
    IReadOnlyList<long> DownShape,
    float[] Up,
    int OutFeatures,
    int Rank,
    float Alpha)
{
    /// <summary>The columns of Down: in · kh · kw.</summary>
    public int InFeatures => Down.Length / Rank;

    /// <summary>Whether Down is a convolution kernel (rank 4), so the patched weight must be a Conv weight.</summary>
    public bool IsConvolution => DownShape.Count == 4;

    /// <summary>alpha / rank, the factor kohya and PEFT both apply.</summary>
    public float Scale => Alpha / Rank;
}
