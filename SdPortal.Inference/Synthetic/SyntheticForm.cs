namespace SdPortal.Inference.Synthetic;

/// <summary>Which graph a synthetic model folder holds for the same architecture and weights (ADR-013).</summary>
public enum SyntheticForm
{
    /// <summary>Standard ONNX operators only, as torch.onnx exports diffusers models: runs on every provider.</summary>
    Plain,

    /// <summary>
    /// What ONNX Runtime's Stable Diffusion optimizer makes of the plain graph for the CUDA provider: com.microsoft
    /// MultiHeadAttention with packed QKV/KV, channels-last GroupNorm/SkipGroupNorm and NhwcConv, BiasSplitGelu and
    /// BiasAdd in the UNet and VAE decoder, the merged-QKV Attention in the text encoder. Same I/O and weights as the
    /// plain form; the UNet and VAE decoder need the CUDA provider (the CPU has no GroupNorm or NhwcConv kernels).
    /// </summary>
    Fused,
}
