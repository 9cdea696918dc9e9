using Bunit;
using SdPortal.Inference.Pipeline;
using SdPortal.Web.Adapters;
using SdPortal.Web.Components.Create;
using SdPortal.Web.Ui;

namespace SdPortal.Tests.Components;

public sealed class AdapterPickerTests : PortalComponentTest
{
    private static LoraAdapterResponse Adapter(string name, string? triggerWords = null, params string[] models) => new(
        Guid.NewGuid(), name, triggerWords, Shared: false, Mine: true, 1024, "kohya", 4, 10, TargetsTextEncoder: false, models,
        new string('a', 64), DateTime.UtcNow, $"/api/v1/loras/{name}/file", PreviewUrl: null);

    [Fact]
    public void TheList_OffersOnlyAdaptersThatFitTheModel_AndNotThosePickedAlready()
    {
        var form = new CreateFormModel { Model = "sd15" };
        form.PickLora("picked");
        IReadOnlyList<LoraAdapterResponse> adapters =
            [Adapter("fits", models: "sd15"), Adapter("anywhere"), Adapter("other-model", models: "sdxl"), Adapter("picked", models: "sd15")];
        var popovers = Context.Render<MudBlazor.MudPopoverProvider>();
        var cut = Render<AdapterPicker>(p => p.Add(c => c.Form, form).Add(c => c.Adapters, adapters));

        cut.Find(".adapter-select .mud-select-input").MouseDown();

        var offered = popovers.WaitForElements(".mud-popover-open .mud-list-item").Select(e => e.TextContent.Trim()).ToList();
        Assert.Equal(["fits", "anywhere"], offered);
    }

    [Fact]
    public void RowErrors_AppearOnTheirRow_TheSectionErrorOnTheSection()
    {
        var form = new CreateFormModel { Model = "sd15", Loras = [new() { Name = "one" }, new() { Name = "two", Weight = -0.5 }] };
        var errors = new Dictionary<string, string[]>
        {
            ["loras[1].name"] = ["'two' names no adapter you can use"],
            ["loras"] = ["at most 5 adapters per job"],
        };
        var cut = Render<AdapterPicker>(p => p.Add(c => c.Form, form).Add(c => c.Adapters, [Adapter("one")]).Add(c => c.Errors, errors));

        Assert.Empty(cut.Find("#adapter-row-0").QuerySelectorAll(".adapter-error"));
        Assert.Equal("loras[1].name 'two' names no adapter you can use", cut.Find("#adapter-row-1 .adapter-error").TextContent);
        Assert.Equal("-0.50", cut.Find("#adapter-row-1 .adapter-weight-value").TextContent);
        Assert.Contains("at most 5 adapters per job", cut.Find("#adapters-error").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void TriggerWords_AddToPromptOnce_AndRemoveDropsTheRow()
    {
        var form = new CreateFormModel { Model = "sd15", Prompt = "a mug" };
        form.PickLora("mug");
        var changes = new List<bool>();
        var cut = Render<AdapterPicker>(p => p.Add(c => c.Form, form).Add(c => c.Adapters, [Adapter("mug", "acme mug")])
            .Add(c => c.OnChanged, picks => changes.Add(picks)));

        cut.Find(".adapter-add-to-prompt").Click();
        cut.Find(".adapter-add-to-prompt").Click();
        Assert.Equal("a mug, acme mug", form.Prompt);

        cut.Find(".adapter-remove").Click();
        Assert.Empty(form.Loras);
        Assert.Empty(cut.FindAll(".adapter-row"));
        Assert.Equal([false, false, true], changes);
    }

    [Fact]
    public void NoAdapters_LinksToTheAdaptersPage()
    {
        var cut = Render<AdapterPicker>(p => p.Add(c => c.Form, new CreateFormModel { Model = "sd15" }));
        Assert.Equal("/tenant/adapters", cut.Find("#adapters-upload-link").GetAttribute("href"));
        Assert.Empty(cut.FindAll("#adapter-select"));
    }

    [Fact]
    public void TheFormModel_CarriesPicksIntoTheSpec_BackFromIt_AndCopiesThemApart()
    {
        var form = new CreateFormModel { Model = "sd15" };
        for (var i = 0; i < GenerationSpec.MaxLoras + 1; i++)
        {
            Assert.Equal(i < GenerationSpec.MaxLoras, form.PickLora($"a{i}"));
        }

        Assert.False(form.PickLora("A0"));
        form.Loras[1].Weight = -0.35;
        var spec = form.ToSpec();
        Assert.Equal(new LoraUse("a1", -0.35), spec.Loras![1]);
        Assert.Equal(GenerationSpec.MaxLoras, spec.Loras.Count);

        var reused = CreateFormModel.FromSpec(spec, seed: 3);
        Assert.Equal(spec.Loras, reused.ToSpec().Loras);
        var copy = reused.Copy();
        copy.Loras[0].Weight = 2;
        copy.Loras.RemoveAt(1);
        Assert.Equal(LoraPick.DefaultWeight, reused.Loras[0].Weight);
        Assert.Equal(GenerationSpec.MaxLoras, reused.Loras.Count);
        Assert.Null(new CreateFormModel().ToSpec().Loras);
    }
}
