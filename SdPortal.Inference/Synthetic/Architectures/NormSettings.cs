namespace SdPortal.Inference.Synthetic.Architectures;

/// <summary>GroupNorm settings shared by the blocks of one network.</summary>
/// <param name="Groups">Number of groups (32 in SD 1.5).</param>
/// <param name="Epsilon">Variance epsilon: 1e-5 in UNet ResNets, 1e-6 in the VAE and in UNet transformers.</param>
internal readonly record struct NormSettings(int Groups, float Epsilon);
