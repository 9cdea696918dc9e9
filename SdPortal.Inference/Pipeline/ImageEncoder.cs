using SdPortal.Inference.Models;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// Pictures → scaled latents z = s · E(x), one at a time (batch 1 keeps the encoder's activation memory flat), with
/// the image tensor allocated once per job.
/// </summary>
internal sealed class ImageEncoder : IDisposable
{
    private readonly VaeEncoderModel _encoder;
    private readonly float _scalingFactor;
    private readonly HostTensor _image;

    /// <exception cref="GenerationValidationException">The model folder has no VAE encoder.</exception>
    public ImageEncoder(StableDiffusionModelFolder model, int width, int height)
    {
        _encoder = model.VaeEncoder ?? throw new GenerationValidationException(
            [new("initImageId", "this model cannot start from an image: its folder has no vae_encoder")]);
        _scalingFactor = model.VaeScalingFactor;
        _image = HostTensor.Create(_encoder.Image.ElementType, 1, 3, height, width);
        LatentWidth = width / StableDiffusionModelFolder.VaeSpatialFactor;
        LatentHeight = height / StableDiffusionModelFolder.VaeSpatialFactor;
        LatentLength = model.LatentChannels * LatentWidth * LatentHeight;
    }

    /// <summary>The latent width (w = W / 8).</summary>
    public int LatentWidth { get; }

    /// <summary>The latent height (h = H / 8).</summary>
    public int LatentHeight { get; }

    /// <summary>Latent values of one encoded picture (c · h · w).</summary>
    public int LatentLength { get; }

    /// <summary>Whether each encode draws noise (the encoder samples the latent distribution).</summary>
    public bool Samples => _encoder.Samples;

    /// <summary>Encodes the VAE input <paramref name="tensor"/> [3, H, W] in [−1, 1] into <paramref name="latent"/>,
    /// drawing from <paramref name="epsilon"/> when the encoder <see cref="Samples"/>.</summary>
    public void Encode(ReadOnlySpan<float> tensor, ReadOnlySpan<float> epsilon, Span<float> latent, CancellationToken cancellationToken)
    {
        _image.Write(tensor);
        var result = new float[latent.Length];
        CancellableRun.Invoke(
            (Encoder: _encoder, Image: _image, Epsilon: epsilon.ToArray(), Latent: result),
            static (state, options) => state.Encoder.Encode(options, state.Image, state.Epsilon, state.Latent),
            cancellationToken);
        for (var i = 0; i < latent.Length; i++)
        {
            latent[i] = result[i] * _scalingFactor;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _image.Dispose();
}
