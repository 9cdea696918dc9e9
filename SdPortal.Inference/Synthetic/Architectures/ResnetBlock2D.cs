using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Synthetic.Architectures;

/// <summary>
/// diffusers' ResnetBlock2D (output_scale_factor 1, no up/down sampling): GroupNorm → SiLU → 3×3 conv, plus the
/// projected time embedding in the UNet, GroupNorm → SiLU → 3×3 conv, and a 1×1 shortcut conv when channels change.
/// The VAE uses the same block without the time embedding.
/// </summary>
internal static class ResnetBlock2D
{
    /// <param name="b">The graph.</param>
    /// <param name="x">NCHW input.</param>
    /// <param name="norm">GroupNorm groups and epsilon (1e-5 in the UNet, 1e-6 in the VAE).</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="name">Module path, e.g. <c>down_blocks.0.resnets.1</c>.</param>
    /// <param name="time">SiLU of the time embedding [N, dim] and its width, or null in the VAE.</param>
    public static string Build(
        OnnxGraphBuilder b, string x, NormSettings norm, int inChannels, int outChannels, string name, (string Features, int Dim)? time = null)
    {
        var h = b.SiLU(b.GroupNorm(x, inChannels, norm.Groups, norm.Epsilon, $"{name}.norm1"));
        h = b.Conv2d(h, inChannels, outChannels, 3, $"{name}.conv1");
        if (time is { } t)
        {
            var projected = b.Linear(t.Features, t.Dim, outChannels, $"{name}.time_emb_proj");
            h = b.Op("Add", h, b.Unsqueeze(projected, 2, 3));
        }

        h = b.SiLU(b.GroupNorm(h, outChannels, norm.Groups, norm.Epsilon, $"{name}.norm2"));
        h = b.Conv2d(h, outChannels, outChannels, 3, $"{name}.conv2");
        var shortcut = inChannels == outChannels ? x : b.Conv2d(x, inChannels, outChannels, 1, $"{name}.conv_shortcut");
        return b.Op("Add", shortcut, h);
    }
}
