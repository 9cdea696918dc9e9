using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Synthetic.Architectures.Fused;

/// <summary>
/// <see cref="ResnetBlock2D"/> channels-last: GroupNorm+SiLU in one kernel, NhwcConv, and in the UNet the time
/// embedding added by SkipGroupNorm (norm2 over conv1 + projected time embedding, broadcast from [N, C]).
/// </summary>
internal static class FusedResnetBlock
{
    public static string Build(
        OnnxGraphBuilder b, string x, NormSettings norm, int inChannels, int outChannels, string name, (string Features, int Dim)? time = null)
    {
        var h = b.GroupNormNhwc(x, inChannels, norm.Groups, norm.Epsilon, $"{name}.norm1", silu: true);
        h = b.NhwcConv2d(h, inChannels, outChannels, 3, $"{name}.conv1");
        h = time is { } t
            ? b.SkipGroupNormNhwc(
                h, b.Linear(t.Features, t.Dim, outChannels, $"{name}.time_emb_proj"), outChannels, norm.Groups, norm.Epsilon, $"{name}.norm2", silu: true)
            : b.GroupNormNhwc(h, outChannels, norm.Groups, norm.Epsilon, $"{name}.norm2", silu: true);
        h = b.NhwcConv2d(h, outChannels, outChannels, 3, $"{name}.conv2");
        var shortcut = inChannels == outChannels ? x : b.NhwcConv2d(x, inChannels, outChannels, 1, $"{name}.conv_shortcut");
        return b.Op("Add", shortcut, h);
    }
}
