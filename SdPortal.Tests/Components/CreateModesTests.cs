using Bunit;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Pipeline;
using SdPortal.Web.Components.Create;
using SdPortal.Web.Inputs;
using SdPortal.Web.Ui;

namespace SdPortal.Tests.Components;

/// <summary>The Create form's image modes: what the spec carries in each, the strength's step count, the size an upload gives.</summary>
public sealed class CreateModesTests : PortalComponentTest
{
    private static readonly ModelEntry[] Models = [new("sd15", "/models/sd15", IsSynthetic: false)];

    private static readonly InputImageResponse Photo = new(Guid.CreateVersion7(), "jpeg", 1000, 750, 123_456, DateTime.UtcNow);

    [Fact]
    public void ToSpec_CarriesTheImagesOfItsModeOnly()
    {
        var form = new CreateFormModel { Prompt = "a cat", InitImageId = Photo.Id, MaskImageId = Guid.NewGuid() };

        Assert.Equal((null, null), (form.ToSpec().InitImageId, form.ToSpec().MaskImageId));
        form.Mode = GenerationMode.ImageToImage;
        Assert.Equal((Photo.Id, null), (form.ToSpec().InitImageId, form.ToSpec().MaskImageId));
        Assert.Equal(GenerationMode.ImageToImage, form.ToSpec().Mode);
        form.Mode = GenerationMode.Inpaint;
        Assert.Equal((Photo.Id, form.MaskImageId), (form.ToSpec().InitImageId, form.ToSpec().MaskImageId));
        Assert.Equal(GenerationMode.Inpaint, CreateFormModel.FromSpec(form.ToSpec(), null).Mode);
    }

    [Theory]
    [InlineData(1000, 750, 2048, 1000, 752)] // rounded to the nearest multiple of 8
    [InlineData(1000, 750, 512, 512, 384)] // scaled down to the plan's side, aspect kept
    [InlineData(4000, 1000, 768, 768, 192)]
    [InlineData(20, 900, 1024, 64, 904)] // never below the engine's smallest side; 112.5 eighths round up
    [InlineData(512, 512, 2048, 512, 512)]
    public void SizeFor_RoundsToMultiplesOfEightWithinThePlan(int width, int height, int maxSide, int expectedWidth, int expectedHeight)
    {
        var (w, h) = CreateFormModel.SizeFor(width, height, maxSide);

        Assert.Equal((expectedWidth, expectedHeight), (w, h));
        Assert.Null(CreateFormModel.SizeError(w, h));
    }

    [Fact]
    public void UseInitImage_TakesItsSizeAndDropsTheOldMask()
    {
        var form = new CreateFormModel { MaskImageId = Guid.NewGuid(), Mode = GenerationMode.Inpaint };

        form.UseInitImage(Photo, 1024);

        Assert.Equal((Photo.Id, (Guid?)null, 1000, 752), (form.InitImageId!.Value, form.MaskImageId, form.Width, form.Height));
    }

    [Fact]
    public void ImageToImage_ShowsTheThumbnailItsSizeAndTheStepsTheStrengthRuns()
    {
        var form = new CreateFormModel { Model = "sd15", Mode = GenerationMode.ImageToImage, Steps = 20 };
        form.UseInitImage(Photo, 2048);
        var cut = Render<CreateForm>(p => p.Add(c => c.Form, form).Add(c => c.Models, Models));

        Assert.Equal($"/api/v1/input-images/{Photo.Id}/file", cut.Find("#init-image-thumbnail").GetAttribute("src"));
        Assert.Contains("1000 × 750", cut.Find("#init-image-size").TextContent, StringComparison.Ordinal);
        Assert.Equal($"runs {(int)(20 * GenerationSpec.DefaultStrength)} of 20 steps", cut.Find("#strength-steps").TextContent);

        form.Strength = 0.5;
        cut.Render();
        Assert.Equal("runs 10 of 20 steps", cut.Find("#strength-steps").TextContent);
        // Credits follow the steps that run: 1000 × 752 × 10 pixel-steps is under two 512² × 20 credits.
        Assert.Equal("2", cut.Find("#cost-credits").TextContent);
    }

    [Fact]
    public void TextToImage_HidesTheImageFields()
    {
        var form = new CreateFormModel { Model = "sd15", InitImageId = Photo.Id, InitImage = Photo };
        var cut = Render<CreateForm>(p => p.Add(c => c.Form, form).Add(c => c.Models, Models));

        Assert.Empty(cut.FindAll("#input-image-panel"));
        Assert.Empty(cut.FindAll("#strength"));
    }

    [Fact]
    public void Inpaint_ShowsThePainterAndItsOptionsWithinTheSpecsLimits()
    {
        var form = new CreateFormModel { Model = "sd15", Mode = GenerationMode.Inpaint };
        form.UseInitImage(Photo, 2048);
        var cut = Render<CreateForm>(p => p.Add(c => c.Form, form).Add(c => c.Models, Models));

        Assert.Single(cut.FindAll("canvas#mask-canvas"));
        Assert.Equal(GenerationSpec.MaxMaskBlur.ToString(System.Globalization.CultureInfo.InvariantCulture), cut.Find("input#mask-blur").GetAttribute("max"));
        Assert.Empty(cut.FindAll("#only-masked-padding"));
        form.InpaintOnlyMasked = true;
        cut.Render();
        Assert.Equal(GenerationSpec.MaxOnlyMaskedPadding.ToString(System.Globalization.CultureInfo.InvariantCulture),
            cut.Find("input#only-masked-padding").GetAttribute("max"));
        Assert.Contains(Context.JSInterop.Invocations, i => i.Identifier == "import" && i.Arguments[0] as string == "./js/maskPainter.js");
    }

    [Fact]
    public void UploadErrors_AppearOnTheImageField()
    {
        var form = new CreateFormModel { Model = "sd15", Mode = GenerationMode.ImageToImage };
        var errors = new Dictionary<string, string[]> { ["initImageId"] = ["The file is not a PNG, JPEG or WebP image."] };
        var cut = Render<CreateForm>(p => p.Add(c => c.Form, form).Add(c => c.Models, Models).Add(c => c.Errors, errors));

        Assert.Contains("The file is not a PNG, JPEG or WebP image.", cut.Find("#input-image-panel").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void PromptSyntaxHelp_NamesTheSyntax()
    {
        var cut = Render<PromptSyntaxHelp>(_ => { });
        cut.Find("#prompt-syntax-panel .mud-expand-panel-header").Click();

        foreach (var syntax in new[] { "(word:1.2)", "(word)", "[word]", "[from:to:when]", "[a|b]", "BREAK", "75 tokens" })
        {
            Assert.Contains(syntax, cut.Markup, StringComparison.Ordinal);
        }
    }
}
