namespace SdPortal.Inference.Lora;

/// <summary>Bounds a safetensors file's header must keep before anything is allocated for it.</summary>
/// <param name="MaxHeaderBytes">The JSON header's largest size: a kohya LoRA of SD 1.5 with every module has about
/// 900 tensors and a header near 150 KB, with training metadata a few hundred KB more.</param>
/// <param name="MaxTensors">The most tensors: SD 1.5 has about 700 LoRA-able layers × 3 keys each.</param>
/// <param name="MaxRank">The most dimensions per tensor.</param>
public sealed record SafetensorsLimits(int MaxHeaderBytes = 8 << 20, int MaxTensors = 20_000, int MaxRank = 8)
{
    public static SafetensorsLimits Default { get; } = new();
}
