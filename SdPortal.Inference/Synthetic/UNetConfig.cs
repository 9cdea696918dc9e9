namespace SdPortal.Inference.Synthetic;

/// <summary>Shape of a UNet2DConditionModel (diffusers), in the SD 1.x layout.</summary>
/// <param name="BlockOutChannels">Output channels of each down block; up blocks mirror them.</param>
/// <param name="CrossAttentionBlocks">
/// Per down block, whether it is a CrossAttnDownBlock2D (true) or a plain DownBlock2D (false); the matching up block
/// is mirrored. SD 1.5 is (true, true, true, false).
/// </param>
/// <param name="LayersPerBlock">ResNet (and transformer) layers per down block; up blocks have one more.</param>
/// <param name="AttentionHeads">Heads of every attention layer (SD 1.5's config calls this attention_head_dim = 8).</param>
/// <param name="CrossAttentionDim">Width of <c>encoder_hidden_states</c>; equals the text encoder's hidden size.</param>
/// <param name="InChannels">Latent channels of <c>sample</c>.</param>
/// <param name="OutChannels">Latent channels of <c>out_sample</c>.</param>
/// <param name="NormGroups">GroupNorm groups; must divide every channel count.</param>
public sealed record UNetConfig(
    IReadOnlyList<int> BlockOutChannels,
    IReadOnlyList<bool> CrossAttentionBlocks,
    int LayersPerBlock,
    int AttentionHeads,
    int CrossAttentionDim,
    int InChannels,
    int OutChannels,
    int NormGroups)
{
    /// <summary>Width of the time embedding: four times the first block's channels, as in diffusers.</summary>
    public int TimeEmbeddingDim => BlockOutChannels[0] * 4;
}
