using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Synthetic.Architectures;

/// <summary>diffusers' Downsample2D and Upsample2D (with their convs), as the UNet and the VAE configure them.</summary>
internal static class Sampling2D
{
    /// <summary>
    /// UNet downsampling: 3×3 conv, stride 2, padding 1. The VAE encoder instead pads only bottom/right by one and uses
    /// padding 0 (<paramref name="asymmetricPadding"/>), as AutoencoderKL does.
    /// </summary>
    public static string Downsample(OnnxGraphBuilder b, string x, int channels, string name, bool asymmetricPadding = false) =>
        b.Conv2d(x, channels, channels, 3, $"{name}.conv", stride: 2, pads: asymmetricPadding ? [0, 0, 1, 1] : null);

    /// <summary>Nearest ×2 upsampling followed by a 3×3 conv.</summary>
    public static string Upsample(OnnxGraphBuilder b, string x, int channels, string name) =>
        b.Conv2d(b.UpsampleNearest2x(x), channels, channels, 3, $"{name}.conv");
}
