using SdPortal.Inference.Imaging;
using SdPortal.Inference.Pipeline;
using SdPortal.Tests.Imaging;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Pipeline;

/// <summary>Inpainting on an ordinary UNet (the kept area re-noised from the original after every call).</summary>
public sealed class PipelineInpaintingTests(TinyImageModelFixture model) : IClassFixture<TinyImageModelFixture>
{
    private static readonly byte[] Original = InputImageDecoder.Decode(SourcePictures.Gradient(), InputImageLimits.Default).Pixels;

    [Theory]
    [InlineData(InpaintFill.Original, false)]
    [InlineData(InpaintFill.Noise, false)]
    [InlineData(InpaintFill.Fill, false)]
    [InlineData(InpaintFill.Original, true)]
    public async Task Inpaint_KeepsEveryPixelOutsideTheMaskByteForByte(InpaintFill fill, bool onlyMasked)
    {
        var request = SourcePictures.Inpaint() with { InpaintFill = fill, InpaintOnlyMasked = onlyMasked, OnlyMaskedPadding = 4 };

        var pixels = PngInspection.Pixels((await model.Pipeline.GenerateAsync(request)).Images[0].Png);

        var (inside, outsideChanged) = Compare(pixels, (x, y) => x is >= 16 and < 48 && y is >= 16 and < 48);
        Assert.Equal(0, outsideChanged);
        Assert.True(inside > 32 * 32 / 2, $"only {inside} of the masked pixels were repainted");
    }

    [Fact]
    public async Task Inpaint_WithAnInvertedMask_RepaintsTheOutside()
    {
        var request = SourcePictures.Inpaint() with { InvertMask = true };

        var pixels = PngInspection.Pixels((await model.Pipeline.GenerateAsync(request)).Images[0].Png);

        var (outside, insideChanged) = Compare(pixels, (x, y) => !(x is >= 16 and < 48 && y is >= 16 and < 48));
        Assert.Equal(0, insideChanged);
        Assert.True(outside > 1000, $"only {outside} of the outer pixels were repainted");
    }

    [Fact]
    public async Task Inpaint_WithABlurredMask_ChangesNothingFarFromIt()
    {
        var request = SourcePictures.Inpaint() with { MaskBlur = 4 };

        var pixels = PngInspection.Pixels((await model.Pipeline.GenerateAsync(request)).Images[0].Png);

        // A Gaussian of sigma 4 reaches about 2.5 sigma; beyond 12 pixels from the rectangle the mask is 0.
        var (_, farChanged) = Compare(pixels, (x, y) => x is >= 4 and < 60 && y is >= 4 and < 60);
        Assert.Equal(0, farChanged);
    }

    [Fact]
    public async Task Inpaint_IsDeterministic_AndBatchInvariant()
    {
        var alone = await model.Pipeline.GenerateAsync(SourcePictures.Inpaint(seed: 11));
        var batch = await model.Pipeline.GenerateAsync(SourcePictures.Inpaint(seed: 10) with { BatchSize = 2 });

        Assert.Equal(PngInspection.Pixels(alone.Images[0].Png), PngInspection.Pixels(batch.Images[1].Png));
    }

    [Fact]
    public async Task Inpaint_WithAnEmptyMask_ReturnsTheOriginal()
    {
        var request = SourcePictures.Inpaint() with
        {
            Inputs = new GenerationInputs(SourcePictures.Gradient(), SourcePictures.RectangleMask(64, 64, 0, 0, 0, 0)),
        };

        var pixels = PngInspection.Pixels((await model.Pipeline.GenerateAsync(request)).Images[0].Png);

        Assert.Equal(Original, pixels);
    }

    [Fact]
    public async Task Inpaint_RecordsStrengthAndMaskBlurInTheParameters()
    {
        var result = await model.Pipeline.GenerateAsync(SourcePictures.Inpaint(strength: 0.75) with { MaskBlur = 3 });

        var parameters = PngInspection.Text(result.Images[0].Png, "parameters");
        Assert.EndsWith(", Denoising strength: 0.75, Mask blur: 3", parameters, StringComparison.Ordinal);
        var spec = GenerationSpecJson.Deserialize(PngInspection.Text(result.Images[0].Png, "sdportal-request"));
        Assert.Equal((0.75, 3), (spec.Strength, spec.MaskBlur));
    }

    /// <summary>Counts changed pixels where <paramref name="region"/> holds and where it does not.</summary>
    internal static (int ChangedIn, int ChangedOut) Compare(byte[] pixels, Func<int, int, bool> region)
    {
        var (changedIn, changedOut) = (0, 0);
        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                var o = ((y * 64) + x) * RgbImage.Channels;
                var changed = pixels.AsSpan(o, 3).SequenceCompareTo(Original.AsSpan(o, 3)) != 0;
                if (changed && region(x, y))
                {
                    changedIn++;
                }
                else if (changed)
                {
                    changedOut++;
                }
            }
        }

        return (changedIn, changedOut);
    }
}

/// <summary>Inpainting and text-to-image on a 9-channel inpainting UNet.</summary>
public sealed class PipelineInpaintingUNetTests(TinyInpaintingModelFixture model) : IClassFixture<TinyInpaintingModelFixture>
{
    [Fact]
    public void Open_DetectsTheInpaintingUNetFromItsInputChannels() => Assert.True(model.Model.HasInpaintingUNet);

    [Fact]
    public async Task Inpaint_FeedsTheMaskAndKeepsTheOutside()
    {
        var result = await model.Pipeline.GenerateAsync(SourcePictures.Inpaint(strength: 1.0));

        var (inside, outsideChanged) = PipelineInpaintingTests.Compare(
            PngInspection.Pixels(result.Images[0].Png), (x, y) => x is >= 16 and < 48 && y is >= 16 and < 48);
        Assert.Equal(0, outsideChanged);
        Assert.True(inside > 0);
    }

    [Fact]
    public async Task Inpaint_DependsOnTheMaskedImage()
    {
        var gradient = await model.Pipeline.GenerateAsync(SourcePictures.Inpaint(strength: 1.0));
        var other = await model.Pipeline.GenerateAsync(SourcePictures.Inpaint(strength: 1.0) with
        {
            Inputs = new GenerationInputs(
                TestImageFiles.Encode(64, 64, (_, _) => SkiaSharp.SKColors.Orange), SourcePictures.RectangleMask(64, 64, 16, 16, 48, 48)),
        });

        // The same seed and strength 1 start from the same noise: only the UNet's masked-image channels differ.
        var a = PngInspection.Pixels(gradient.Images[0].Png);
        var b = PngInspection.Pixels(other.Images[0].Png);
        var row = ((32 * 64) + 32) * 3;
        Assert.NotEqual(a.AsSpan(row, 3).ToArray(), b.AsSpan(row, 3).ToArray());
    }

    [Fact]
    public async Task TextToImage_OnAnInpaintingUNet_Runs()
    {
        var result = await model.Pipeline.GenerateAsync(TestRequests.Small(seed: 3));
        var again = await model.Pipeline.GenerateAsync(TestRequests.Small(seed: 3));

        Assert.Equal(PngInspection.Pixels(result.Images[0].Png), PngInspection.Pixels(again.Images[0].Png));
    }
}
