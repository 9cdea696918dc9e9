using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SdPortal.Data;
using SdPortal.Tests.Lora;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Browser;

/// <summary>The LoRA adapters page in a real browser: an upload through the page lands in the list; a pickle is refused on the file.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class LoraAdaptersBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task LoraPage_UploadAValidAdapter_ItIsListed_APickleShowsItsErrorOnTheFile()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, LoraTestFiles.Settings());
        portal.StartOnKestrel();
        var owner = await portal.RegisterTenantAsync("Lora Shop");
        var adapter = LoraTestFiles.Valid(portal);
        await using var session = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        var page = await session.NewPageAsync();
        await page.SignInAsync(portal, owner.Email, owner.Password);

        await page.GotoInteractiveAsync(portal, "/tenant/adapters");
        await Assertions.Expect(page.Locator("#adapters-empty")).ToBeVisibleAsync();
        // Blazor's InputFile listens once its script has initialised the element (it gives the element a file counter).
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('input[type=file]')].every(i => i._blazorInputFileNextFileId !== undefined)");
        var fileInput = page.Locator("input[type=file]").First;

        await page.Locator("#adapter-name").FillAsync("studio-mug");
        await page.Locator("#adapter-trigger-words").FillAsync("acme mug, studio light");
        await fileInput.SetInputFilesAsync(new FilePayload { Name = "studio-mug.safetensors", MimeType = "application/octet-stream", Buffer = adapter });
        await Assertions.Expect(page.Locator("#adapter-file-chosen")).ToContainTextAsync("studio-mug.safetensors");
        await page.ClickAsync("#adapter-upload");

        await Assertions.Expect(page.Locator("#adapter-table")).ToContainTextAsync("<lora:studio-mug:1>");
        await Assertions.Expect(page.Locator("#adapter-table")).ToContainTextAsync("acme mug, studio light");
        await Assertions.Expect(page.Locator("#adapter-table")).ToContainTextAsync("tiny-synthetic");
        await ScreenshotStore.SaveAsync(page, "adapters");

        await page.Locator("#adapter-name").FillAsync("pickled");
        await fileInput.SetInputFilesAsync(new FilePayload { Name = "pickled.ckpt", MimeType = "application/octet-stream", Buffer = adapter });
        await page.ClickAsync("#adapter-upload");
        await Assertions.Expect(page.Locator("#adapter-file-error")).ToContainTextAsync("pickle checkpoint");
        output.WriteLine(await page.Locator("#adapter-file-error").TextContentAsync());

        var names = await portal.WithContextAsync(owner.TenantId, db => db.LoraAdapters.Select(a => a.Name).ToListAsync());
        Assert.Equal(["studio-mug"], names);
    }
}
