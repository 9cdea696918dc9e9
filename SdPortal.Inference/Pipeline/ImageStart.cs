using SdPortal.Inference.Schedulers;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// The latent side of a job that starts from a picture (image-to-image, inpainting) or runs on an inpainting UNet: the
/// encoded picture x₀, the starting noise ε, where the schedule is entered, and for inpainting the latent mask and what
/// an inpainting UNet is fed beside the latents. One per pass; <see cref="Denoiser"/> reads it.
/// </summary>
/// <remarks>
/// <para>The noise each image's seeded stream gives, in order: ε (the draw text-to-image takes for x_T, so a seed means
/// the same start noise in every mode), then the encoder's noise for the init image and for the masked image when the
/// encoder samples, then "latent noise" masked content. Each image draws from its own stream, so image k of a batch is
/// the image a batch of one with seed + k makes.</para>
/// <para>With an ordinary UNet the kept area is re-noised from x₀ after every model call (diffusers' legacy
/// inpainting): x = (1 − m) · add_noise(x₀, ε, next) + m · x, and x₀ itself after the last call. An inpainting UNet
/// instead reads [mask, masked-image latents] as extra input channels and nothing is blended.</para>
/// </remarks>
internal sealed class ImageStart
{
    private readonly float[]? _latentMask;
    private readonly float[]? _unetConditioning;
    private readonly bool _blend;
    private float[]? _renoised;

    private ImageStart(
        int beginIndex, bool fromPureNoise, float[] original, float[] noise, float[]? latentMask, float[]? unetConditioning, int imageLength)
    {
        BeginIndex = beginIndex;
        FromPureNoise = fromPureNoise;
        Original = original;
        Noise = noise;
        _latentMask = latentMask;
        _unetConditioning = unetConditioning;
        _blend = latentMask is not null && unetConditioning is null;
        ImageLength = imageLength;
    }

    /// <summary>The first model call: <see cref="ImageToImageStart.BeginIndex"/>, 0 for text-to-image.</summary>
    public int BeginIndex { get; }

    /// <summary>Whether x starts as σ_init · ε rather than add_noise(x₀, ε): inpainting at strength 1, as diffusers'
    /// inpainting pipeline does (its image-to-image pipeline always noises x₀).</summary>
    public bool FromPureNoise { get; }

    /// <summary>The scaled latents of the picture, per image [B, c, h, w].</summary>
    public float[] Original { get; }

    /// <summary>The standard-normal start noise ε [B, c, h, w], reused for re-noising the kept area.</summary>
    public float[] Noise { get; }

    /// <summary>Latent values per image.</summary>
    public int ImageLength { get; }

    /// <summary>The extra input of an inpainting UNet for image <paramref name="image"/>: [mask, masked-image latents].</summary>
    public ReadOnlySpan<float> UNetConditioningOf(int image)
    {
        var conditioning = _unetConditioning
            ?? throw new InvalidOperationException("This start carries no inpainting-UNet conditioning.");
        var length = conditioning.Length / (Original.Length / ImageLength);
        return conditioning.AsSpan(image * length, length);
    }

    /// <summary>Starts a pass of <paramref name="batchSize"/> images from the prepared pictures.</summary>
    public static ImageStart FromImages(
        SourceImages source,
        ImageEncoder encoder,
        GenerationSpec spec,
        int batchSize,
        int beginIndex,
        bool inpaintingUNet,
        BatchNoise noise,
        ReadOnlyMemory<float>? initialNoise,
        CancellationToken cancellationToken)
    {
        var length = encoder.LatentLength;
        var epsilon = new float[batchSize * length];
        noise.NextGaussian(epsilon);
        initialNoise?.Span.CopyTo(epsilon);

        var original = EncodePerImage(encoder, source.WorkTensor(), batchSize, noise, cancellationToken);
        var plane = encoder.LatentWidth * encoder.LatentHeight;
        var mask = source.WorkMask?.ToLatentMask(encoder.LatentWidth, encoder.LatentHeight);
        float[]? conditioning = null;
        if (inpaintingUNet)
        {
            var masked = EncodePerImage(encoder, source.MaskedWorkTensor(), batchSize, noise, cancellationToken);
            conditioning = Conditioning(mask ?? Ones(plane), masked, batchSize, length);
        }

        if (mask is not null && spec.InpaintFill == InpaintFill.Noise)
        {
            var fill = new float[original.Length];
            noise.NextGaussian(fill);
            Blend(original, fill, mask);
        }

        var pureNoise = mask is not null && spec.Strength >= 1;
        return new ImageStart(beginIndex, pureNoise, original, epsilon, mask, conditioning, length);
    }

    /// <summary>
    /// A text-to-image pass on an inpainting UNet: the whole picture masked and a blank (mid-grey) picture's latents,
    /// as A1111 conditions it. Call after the start noise was drawn.
    /// </summary>
    public static ImageStart ForTextToImage(
        ImageEncoder encoder, int width, int height, int batchSize, BatchNoise noise, CancellationToken cancellationToken)
    {
        var length = encoder.LatentLength;
        var blank = EncodePerImage(encoder, new float[3 * width * height], batchSize, noise, cancellationToken);
        var plane = encoder.LatentWidth * encoder.LatentHeight;
        var conditioning = Conditioning(Ones(plane), blank, batchSize, length);
        return new ImageStart(0, true, new float[batchSize * length], new float[batchSize * length], null, conditioning, length);
    }

    /// <summary>After model call <paramref name="index"/>: puts the kept area back to x₀ noised to the next call's level.</summary>
    public void KeepUnmasked(IDiffusionScheduler scheduler, int index, Span<float> latents)
    {
        if (!_blend)
        {
            return;
        }

        ReadOnlySpan<float> kept = Original;
        if (index < scheduler.Timesteps.Count - 1)
        {
            _renoised ??= new float[Original.Length];
            scheduler.AddNoise(Original, Noise, index + 1, _renoised);
            kept = _renoised;
        }

        var mask = _latentMask!;
        for (var i = 0; i < latents.Length; i++)
        {
            var m = mask[i % mask.Length];
            latents[i] = ((1 - m) * kept[i]) + (m * latents[i]);
        }
    }

    /// <summary>Encodes the picture once per image, each with its own stream's noise when the encoder samples (once
    /// and copied otherwise: the result does not depend on the seed).</summary>
    private static float[] EncodePerImage(ImageEncoder encoder, float[] picture, int batchSize, BatchNoise noise, CancellationToken cancellationToken)
    {
        var length = encoder.LatentLength;
        var latents = new float[batchSize * length];
        var epsilon = new float[encoder.Samples ? batchSize * length : 0];
        if (encoder.Samples)
        {
            noise.NextGaussian(epsilon);
        }

        for (var k = 0; k < batchSize; k++)
        {
            var destination = latents.AsSpan(k * length, length);
            if (k > 0 && !encoder.Samples)
            {
                latents.AsSpan(0, length).CopyTo(destination);
                continue;
            }

            var draw = encoder.Samples ? epsilon.AsSpan(k * length, length) : [];
            encoder.Encode(picture, draw, destination, cancellationToken);
        }

        return latents;
    }

    /// <summary>Per image [mask (1 channel), masked-image latents (c channels)].</summary>
    private static float[] Conditioning(float[] mask, float[] maskedLatents, int batchSize, int length)
    {
        var perImage = mask.Length + length;
        var conditioning = new float[batchSize * perImage];
        for (var k = 0; k < batchSize; k++)
        {
            mask.CopyTo(conditioning.AsSpan(k * perImage, mask.Length));
            maskedLatents.AsSpan(k * length, length).CopyTo(conditioning.AsSpan((k * perImage) + mask.Length, length));
        }

        return conditioning;
    }

    /// <summary>x₀ = x₀ · (1 − m) + fill · m, the mask broadcast over channels and images.</summary>
    private static void Blend(float[] original, float[] fill, float[] mask)
    {
        for (var i = 0; i < original.Length; i++)
        {
            var m = mask[i % mask.Length];
            original[i] = (original[i] * (1 - m)) + (fill[i] * m);
        }
    }

    private static float[] Ones(int length)
    {
        var ones = new float[length];
        Array.Fill(ones, 1f);
        return ones;
    }
}
