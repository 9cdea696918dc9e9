using SdPortal.Inference.Noise;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// The noise of a batch as independent per-image streams: image k draws from <see cref="SeededGaussianNoise"/>(seed + k),
/// first its initial latents and then any noise a stochastic scheduler asks for. A request for the whole batch is cut
/// into equal per-image slices, so image k of a batch gets exactly the noise it would get as a batch of one with seed + k.
/// </summary>
internal sealed class BatchNoise : INoiseSource
{
    private readonly SeededGaussianNoise[] _streams;

    /// <summary>Creates the streams for <paramref name="batchSize"/> images starting at <paramref name="firstSeed"/>.</summary>
    public BatchNoise(ulong firstSeed, int batchSize)
    {
        _streams = new SeededGaussianNoise[batchSize];
        for (var k = 0; k < batchSize; k++)
        {
            _streams[k] = new SeededGaussianNoise(unchecked(firstSeed + (ulong)k));
        }
    }

    /// <summary>The seed of image <paramref name="index"/>.</summary>
    public static ulong SeedOf(ulong firstSeed, int index) => unchecked(firstSeed + (ulong)index);

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The span cannot be split evenly over the batch.</exception>
    public void NextGaussian(Span<float> destination)
    {
        if (destination.Length % _streams.Length != 0)
        {
            throw new InvalidOperationException(
                $"Noise for a batch of {_streams.Length} must cover whole images; {destination.Length} values were asked for.");
        }

        var perImage = destination.Length / _streams.Length;
        for (var k = 0; k < _streams.Length; k++)
        {
            _streams[k].NextGaussian(destination.Slice(k * perImage, perImage));
        }
    }
}
