namespace SdPortal.Inference.Noise;

/// <summary>A deterministic source of standard normal samples (initial latents, ancestral noise).</summary>
public interface INoiseSource
{
    /// <summary>Fills <paramref name="destination"/> with independent N(0, 1) samples.</summary>
    void NextGaussian(Span<float> destination);
}
