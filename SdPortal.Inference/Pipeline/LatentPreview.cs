using SdPortal.Inference.Imaging;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// A cheap preview of a latent without the VAE: a fixed linear map from the four SD 1.x latent channels to RGB
/// (the widely used approximation fitted by Keturn, A1111's "Approx cheap"), box-downsampled or pixel-doubled so the
/// longer side is at most <see cref="MaxSide"/> pixels — at most 12 KB of RGB, so the PNG stays well under 20 KB.
/// Buffers are allocated once per job.
/// </summary>
internal sealed class LatentPreview
{
    /// <summary>The longest preview side in pixels.</summary>
    public const int MaxSide = 64;

    // rgb_c = Σ_l z_l · F[l, c], rows L1…L4, columns R, G, B.
    private static readonly float[] Factors =
    [
        0.298f, 0.207f, 0.208f,
        0.187f, 0.286f, 0.173f,
        -0.158f, 0.189f, 0.264f,
        -0.184f, -0.271f, -0.473f,
    ];

    private readonly int _latentWidth;
    private readonly int _latentHeight;
    private readonly int _stride;
    private readonly int _repeat;
    private readonly byte[] _rgb;

    /// <summary>Prepares previews of [4, <paramref name="latentHeight"/>, <paramref name="latentWidth"/>] latents.</summary>
    public LatentPreview(int latentWidth, int latentHeight)
    {
        _latentWidth = latentWidth;
        _latentHeight = latentHeight;
        var longer = Math.Max(latentWidth, latentHeight);
        _repeat = longer * 2 <= MaxSide ? 2 : 1;
        _stride = (longer + MaxSide - 1) / MaxSide;
        Width = (latentWidth + _stride - 1) / _stride * _repeat;
        Height = (latentHeight + _stride - 1) / _stride * _repeat;
        _rgb = new byte[Width * Height * 3];
    }

    /// <summary>The number of latent channels the map is defined for.</summary>
    public static int Channels => 4;

    /// <summary>Preview width in pixels.</summary>
    public int Width { get; }

    /// <summary>Preview height in pixels.</summary>
    public int Height { get; }

    /// <summary>Renders one image's latent (CHW) to a PNG.</summary>
    public byte[] Render(ReadOnlySpan<float> latent)
    {
        var plane = _latentWidth * _latentHeight;
        for (var py = 0; py < Height; py++)
        {
            for (var px = 0; px < Width; px++)
            {
                var y0 = py / _repeat * _stride;
                var x0 = px / _repeat * _stride;
                var y1 = Math.Min(y0 + _stride, _latentHeight);
                var x1 = Math.Min(x0 + _stride, _latentWidth);
                float r = 0f, g = 0f, b = 0f;
                for (var y = y0; y < y1; y++)
                {
                    for (var x = x0; x < x1; x++)
                    {
                        for (var l = 0; l < Channels; l++)
                        {
                            var z = latent[(l * plane) + (y * _latentWidth) + x];
                            r += z * Factors[(l * 3) + 0];
                            g += z * Factors[(l * 3) + 1];
                            b += z * Factors[(l * 3) + 2];
                        }
                    }
                }

                // Box average of the block, then [−1, 1] → [0, 255] in ToByte.
                var count = (y1 - y0) * (x1 - x0);
                var offset = ((py * Width) + px) * 3;
                _rgb[offset] = ToByte(r / count);
                _rgb[offset + 1] = ToByte(g / count);
                _rgb[offset + 2] = ToByte(b / count);
            }
        }

        return PngEncoder.Encode(_rgb, Width, Height, null);
    }

    private static byte ToByte(float value) => (byte)Math.Clamp(MathF.Round((value + 1f) * 127.5f), 0f, 255f);
}
