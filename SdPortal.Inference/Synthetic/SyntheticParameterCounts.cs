namespace SdPortal.Inference.Synthetic;

/// <summary>Learned parameters per component, counted the way PyTorch's <c>numel()</c> sum counts them.</summary>
/// <param name="TextEncoder">CLIP text model.</param>
/// <param name="UNet">Denoiser.</param>
/// <param name="VaeDecoder">post_quant_conv and decoder.</param>
/// <param name="VaeEncoder">Encoder and quant_conv.</param>
public sealed record SyntheticParameterCounts(long TextEncoder, long UNet, long VaeDecoder, long VaeEncoder)
{
    /// <summary>All four components.</summary>
    public long Total => TextEncoder + UNet + VaeDecoder + VaeEncoder;
}
