using SdPortal.Inference.Noise;

namespace SdPortal.Tests.Support;

/// <summary>A noise source that always returns 0, turning ancestral samplers into their deterministic skeleton.</summary>
public sealed class ZeroNoise : INoiseSource
{
    /// <inheritdoc />
    public void NextGaussian(Span<float> destination) => destination.Clear();
}
