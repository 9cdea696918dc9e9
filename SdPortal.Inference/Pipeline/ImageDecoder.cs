using SdPortal.Inference.Imaging;
using SdPortal.Inference.Models;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// Latents → PNG, one image at a time (batch 1 keeps the VAE's activation memory flat at large sizes): x = D(z / s)
/// with s the VAE scaling factor, then [−1, 1] CHW → RGB bytes → PNG with text chunks. Buffers are allocated once per job.
/// </summary>
internal sealed class ImageDecoder : IDisposable
{
    private readonly VaeDecoderModel _vae;
    private readonly float _scalingFactor;
    private readonly HostTensor _latent;
    private readonly float[] _scaled;
    private readonly float[] _image;
    private readonly byte[] _rgb;

    public ImageDecoder(StableDiffusionModelFolder model, int width, int height)
    {
        _vae = model.VaeDecoder;
        _scalingFactor = model.VaeScalingFactor;
        Width = width;
        Height = height;
        var factor = StableDiffusionModelFolder.VaeSpatialFactor;
        _latent = HostTensor.Create(_vae.Latent.ElementType, 1, model.LatentChannels, height / factor, width / factor);
        _scaled = new float[_latent.Length];
        _image = new float[3 * width * height];
        _rgb = new byte[3 * width * height];
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Decodes one image's latents and encodes the PNG with <paramref name="text"/> as tEXt chunks;
    /// <paramref name="finish"/>, when given, turns the decoded picture into the final one (inpainting's overlay).</summary>
    public byte[] DecodePng(
        ReadOnlySpan<float> latents,
        IReadOnlyList<KeyValuePair<string, string>> text,
        Func<RgbImage, RgbImage>? finish,
        CancellationToken cancellationToken)
    {
        var inverse = 1f / _scalingFactor;
        for (var i = 0; i < _scaled.Length; i++)
        {
            _scaled[i] = latents[i] * inverse;
        }

        _latent.Write(_scaled);
        CancellableRun.Invoke(this, static (self, options) => self._vae.Decode(options, self._latent, self._image), cancellationToken);
        LatentImageConverter.ChwToRgb(_image, Width, Height, _rgb);
        var rgb = finish is null ? _rgb : finish(new RgbImage(Width, Height, _rgb)).Pixels;
        return PngEncoder.Encode(rgb, Width, Height, text);
    }

    /// <inheritdoc />
    public void Dispose() => _latent.Dispose();
}
