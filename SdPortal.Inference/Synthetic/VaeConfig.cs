namespace SdPortal.Inference.Synthetic;

/// <summary>Shape of an AutoencoderKL (diffusers) encoder and decoder.</summary>
/// <param name="BlockOutChannels">
/// Channels of each encoder down block; the decoder's up blocks use them reversed. The number of blocks fixes the
/// spatial factor: 2^(blocks − 1), i.e. 8 for four blocks.
/// </param>
/// <param name="LayersPerBlock">ResNets per encoder block; decoder blocks have one more.</param>
/// <param name="LatentChannels">Channels of the latent (4 for SD 1.x).</param>
/// <param name="ImageChannels">Channels of the image (3).</param>
/// <param name="NormGroups">GroupNorm groups; must divide every channel count.</param>
/// <param name="ScalingFactor">The latent scaling factor the pipeline applies (0.18215 for SD 1.x).</param>
public sealed record VaeConfig(
    IReadOnlyList<int> BlockOutChannels,
    int LayersPerBlock,
    int LatentChannels,
    int ImageChannels,
    int NormGroups,
    double ScalingFactor)
{
    /// <summary>How many pixels one latent cell covers along each axis.</summary>
    public int SpatialFactor => 1 << (BlockOutChannels.Count - 1);
}
