using SdPortal.Inference.Imaging;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// The pixels an image-to-image or inpainting job starts from and finishes with, at the output size: the init image
/// fitted to width × height (<see cref="ImageFit"/>), the mask fitted the same way, inverted and blurred, and for
/// "only masked" the region around it cut out and scaled up to the output size. <see cref="Finish"/> puts a decoded
/// picture back: pasted into the region and laid under the original through the overlay mask, so every pixel outside
/// the mask is the fitted input's, byte for byte.
/// </summary>
/// <remarks>
/// As A1111's <c>StableDiffusionProcessingImg2Img.init</c>, with one difference: "only masked" works inside the
/// fitted picture rather than the upload at its own size, so the output always has the size the spec asks for (and
/// pays for). The overlay mask is the blurred mask, doubled and clipped for whole-picture inpainting as A1111 does
/// (its soft edge stays inside the repainted area), the blurred mask itself for "only masked".
/// </remarks>
internal sealed class SourceImages
{
    private SourceImages(RgbImage fitted, RgbImage work, MaskImage? workMask, MaskImage? overlayMask, PixelRect? region)
    {
        Fitted = fitted;
        Work = work;
        WorkMask = workMask;
        OverlayMask = overlayMask;
        Region = region;
    }

    /// <summary>The init image at the output size.</summary>
    public RgbImage Fitted { get; }

    /// <summary>What the VAE encodes: the fitted image, or the "only masked" region scaled to the output size, filled
    /// where the mask repaints when the spec asks for <see cref="InpaintFill.Fill"/>.</summary>
    public RgbImage Work { get; }

    /// <summary>The blurred mask over <see cref="Work"/> (white = repaint), or null for plain image-to-image.</summary>
    public MaskImage? WorkMask { get; }

    /// <summary>The mask <see cref="Finish"/> blends through, over <see cref="Fitted"/>.</summary>
    public MaskImage? OverlayMask { get; }

    /// <summary>The "only masked" region within <see cref="Fitted"/>, or null for the whole picture.</summary>
    public PixelRect? Region { get; }

    /// <summary>Decodes and prepares the spec's input images.</summary>
    /// <exception cref="GenerationValidationException">An input is missing or cannot be decoded.</exception>
    public static SourceImages Prepare(GenerationSpec spec, InputImageLimits limits)
    {
        var inputs = spec.Inputs;
        if (inputs?.InitImage is not { } initFile)
        {
            throw new GenerationValidationException([new("initImageId", "image-to-image needs the init image's file")]);
        }

        var fitted = ImageFit.CropAndResize(Decode(() => InputImageDecoder.Decode(initFile, limits), "initImageId"), spec.Width, spec.Height);
        if (inputs.Mask is not { } maskFile)
        {
            return new SourceImages(fitted, fitted, null, null, null);
        }

        var mask = Decode(() => InputImageDecoder.DecodeMask(maskFile, limits), "maskImageId").Resize(spec.Width, spec.Height);
        if (spec.InvertMask)
        {
            mask = mask.Invert();
        }

        var blurred = mask.Blur(spec.MaskBlur);
        RgbImage work;
        MaskImage workMask;
        MaskImage overlay;
        PixelRect? region = null;
        if (spec.InpaintOnlyMasked && blurred.Bounds() is not null)
        {
            var box = OnlyMaskedRegion.For(blurred, spec.OnlyMaskedPadding, spec.Width, spec.Height);
            region = box;
            work = ImageFit.CropAndResize(OnlyMaskedRegion.Crop(fitted, box), spec.Width, spec.Height);
            workMask = blurred.Crop(box).Resize(spec.Width, spec.Height);
            overlay = blurred;
        }
        else
        {
            work = fitted;
            workMask = blurred;
            overlay = Doubled(blurred);
        }

        if (spec.InpaintFill == InpaintFill.Fill)
        {
            work = MaskedFill.Fill(work, workMask);
        }

        return new SourceImages(fitted, work, workMask, overlay, region);
    }

    /// <summary>The decoded picture of a job, put back into the original: pasted into the region, then overlaid.</summary>
    public RgbImage Finish(RgbImage generated)
    {
        if (OverlayMask is null)
        {
            return generated;
        }

        var pasted = Region is { } region ? OnlyMaskedRegion.PasteBack(Fitted, generated, region) : generated;
        return Overlay.Apply(Fitted, pasted, OverlayMask);
    }

    /// <summary>
    /// The masked image an inpainting UNet is conditioned on, as a VAE input [3, H, W] in [−1, 1]: <see cref="Work"/>
    /// with the repainted pixels (mask ≥ 128, diffusers' binarisation) set to 0, mid-grey.
    /// </summary>
    public float[] MaskedWorkTensor()
    {
        var tensor = WorkTensor();
        if (WorkMask is { } mask)
        {
            var plane = Work.Width * Work.Height;
            for (var i = 0; i < plane; i++)
            {
                if (mask.Values[i] >= 128)
                {
                    tensor[i] = tensor[plane + i] = tensor[(2 * plane) + i] = 0f;
                }
            }
        }

        return tensor;
    }

    /// <summary><see cref="Work"/> as the VAE's input [3, H, W] in [−1, 1].</summary>
    public float[] WorkTensor()
    {
        var tensor = new float[3 * Work.Width * Work.Height];
        ImageTensors.ToTensor(Work, tensor);
        return tensor;
    }

    /// <summary>A1111's overlay mask for whole-picture inpainting: clip(2 · blurred, 0, 255).</summary>
    private static MaskImage Doubled(MaskImage blurred)
    {
        var values = new byte[blurred.Values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (byte)Math.Min(2 * blurred.Values[i], 255);
        }

        return new MaskImage(blurred.Width, blurred.Height, values);
    }

    private static T Decode<T>(Func<T> decode, string field)
    {
        try
        {
            return decode();
        }
        catch (InputImageException ex)
        {
            throw new GenerationValidationException([new(field, ex.Message)]);
        }
    }
}
