using Bunit;
using SdPortal.Inference.Engine;
using SdPortal.Web.Components.Create;
using SdPortal.Web.Ui;

namespace SdPortal.Tests.Components;

public sealed class CreateFormTests : PortalComponentTest
{
    private static readonly ModelEntry[] Models = [new("tiny-synthetic", "/models/tiny", IsSynthetic: true), new("sd15", "/models/sd15", IsSynthetic: false)];

    [Fact]
    public void Cost_FollowsStepsSizeAndBatch()
    {
        var form = new CreateFormModel { Model = "sd15", Width = 512, Height = 512, Steps = 20, BatchSize = 1 };
        var cut = Render<CreateForm>(p => p.Add(c => c.Form, form).Add(c => c.Models, Models));
        Assert.Equal("1", cut.Find("#cost-credits").TextContent);

        cut.Find("input#steps").Input("60");
        Assert.Equal(60, form.Steps);
        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("#cost-credits").TextContent));

        form.BatchSize = 2;
        form.SizeKey = CreateFormModel.PresetKey(1024, 1024);
        cut.Render();
        Assert.Equal("24", cut.Find("#cost-credits").TextContent); // 2 × ⌈1024² × 60 ÷ 512² × 20⌉ = 2 × 12
    }

    [Fact]
    public void CustomSize_NotAMultipleOfEight_ShowsTheRuleAndDisablesGenerate()
    {
        var form = new CreateFormModel { Model = "sd15", Width = 512, Height = 520 };
        var cut = Render<CreateForm>(p => p.Add(c => c.Form, form).Add(c => c.Models, Models));
        Assert.Null(cut.Find("#generate").GetAttribute("disabled"));

        cut.Find("input#width").Input("500");

        cut.WaitForAssertion(() => Assert.Contains("multiples of 8 within 64…2048", cut.Markup, StringComparison.Ordinal));
        Assert.NotNull(cut.Find("#generate").GetAttribute("disabled"));
    }

    [Fact]
    public void SyntheticModel_IsSaidToHaveRandomWeights()
    {
        var cut = Render<CreateForm>(p => p.Add(c => c.Form, new CreateFormModel { Model = "tiny-synthetic" }).Add(c => c.Models, Models));
        Assert.Contains("random weights", cut.Find("#model-synthetic").TextContent, StringComparison.Ordinal);

        var real = Render<CreateForm>(p => p.Add(c => c.Form, new CreateFormModel { Model = "sd15" }).Add(c => c.Models, Models));
        Assert.Empty(real.FindAll("#model-synthetic"));
    }

    [Fact]
    public void ServerFieldErrors_AppearUnderTheirFields()
    {
        var errors = new Dictionary<string, string[]> { ["steps"] = ["must be at most 50 on this plan"] };
        var cut = Render<CreateForm>(p => p.Add(c => c.Form, new CreateFormModel { Model = "sd15" }).Add(c => c.Models, Models).Add(c => c.Errors, errors));
        Assert.Contains("steps must be at most 50 on this plan", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void CtrlEnterInThePrompt_Submits_PlainEnterDoesNot()
    {
        var submits = 0;
        var cut = Render<CreateForm>(p => p.Add(c => c.Form, new CreateFormModel { Model = "sd15" }).Add(c => c.Models, Models)
            .Add(c => c.OnSubmit, () => submits++));

        cut.Find("textarea#prompt").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });
        Assert.Equal(0, submits);
        cut.Find("textarea#prompt").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter", CtrlKey = true });
        Assert.Equal(1, submits);
    }
}
