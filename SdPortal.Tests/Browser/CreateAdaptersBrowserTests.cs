using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SdPortal.Data;
using SdPortal.Tests.Lora;
using SdPortal.Tests.Support;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Browser;

/// <summary>The Create page's adapter picker in a real browser: picked, weighted, submitted, applied, and brought back by reuse.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class CreateAdaptersBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task PickAnAdapter_MoveItsWeight_Generate_TheJobSucceedsWithItInTheSpec_AndReuseBringsThePickBack()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, LoraTestFiles.Settings(("Generation:DispatchIntervalMilliseconds", "200")));
        portal.StartOnKestrel();
        var owner = await portal.RegisterTenantAsync("Mug Shop");
        using var api = await portal.LoginAsync(owner.Email, owner.Password);
        await LoraTestFiles.UploadedAsync(api, LoraTestFiles.Valid(portal), "studio-mug", triggerWords: "acme mug, studio light");
        await using var session = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 1000 } });
        var page = await session.NewPageAsync();
        await page.SignInAsync(portal, owner.Email, owner.Password);
        await page.GotoInteractiveAsync(portal, "/create");

        await page.DescribeJobAsync("a mug on a table", steps: 8);
        await page.PickAdapterAsync("studio-mug");
        var row = page.Locator("#adapter-row-0");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-name", "studio-mug");
        await Assertions.Expect(row.Locator(".adapter-weight-value")).ToHaveTextAsync("1.00");
        await row.Locator("input[type=range]").FillAsync("0.65");
        await Assertions.Expect(row.Locator(".adapter-weight-value")).ToHaveTextAsync("0.65");
        await row.Locator(".adapter-add-to-prompt").ClickAsync();
        await Assertions.Expect(page.Locator("#prompt")).ToHaveValueAsync("a mug on a table, acme mug, studio light");
        await page.ClickAsync("#generate");

        await Assertions.Expect(page.Locator("#job-done")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.WaitForFunctionAsync("() => document.querySelector('#results img')?.naturalWidth === 256");
        await Assertions.Expect(page.Locator(".adapter-select input")).ToHaveValueAsync(string.Empty);
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await ScreenshotStore.SaveAsync(page, "create-adapters");
        var jobId = await portal.WithContextAsync(owner.TenantId, db => db.GenerationJobs.Select(j => j.Id).SingleAsync());
        var job = await PortalWebFactory.WaitForStatusAsync(api, jobId, "succeeded");
        var lora = Assert.Single(job.GetProperty("spec").GetProperty("loras").EnumerateArray());
        Assert.Equal("studio-mug", lora.GetProperty("name").GetString());
        Assert.Equal(0.65, lora.GetProperty("weight").GetDouble(), 6);

        // The gallery's reuse opens the Create page on the job: the pick comes back with its weight.
        await page.GotoInteractiveAsync(portal, $"/create?reuse={jobId}");
        await Assertions.Expect(page.Locator("#adapter-row-0")).ToHaveAttributeAsync("data-name", "studio-mug");
        await Assertions.Expect(page.Locator("#adapter-row-0 .adapter-weight-value")).ToHaveTextAsync("0.65");
        await Assertions.Expect(page.Locator("#adapter-row-0 input[type=range]")).ToHaveValueAsync("0.65");
        await Assertions.Expect(page.Locator(".adapter-row")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task ReuseOfAJobWhoseAdapterWasDeleted_ShowsItsRow_AndTheSubmittersErrorOnItAfterGenerate()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, LoraTestFiles.Settings(("Generation:DispatchIntervalMilliseconds", "200")));
        portal.StartOnKestrel();
        var owner = await portal.RegisterTenantAsync("Gone Shop");
        using var api = await portal.LoginAsync(owner.Email, owner.Password);
        var adapter = await LoraTestFiles.UploadedAsync(api, LoraTestFiles.Valid(portal), "old-mug");
        var jobId = await PortalWebFactory.SubmitAcceptedAsync(api, PortalWebFactory.TinyRequest(("loras", new[] { new { name = "old-mug", weight = 1.5 } })));
        await PortalWebFactory.WaitForStatusAsync(api, jobId, "succeeded");
        using var deleted = await api.DeleteAsync(U($"{LoraTestFiles.Route}/{adapter.GetProperty("id").GetGuid()}"));
        Assert.True(deleted.IsSuccessStatusCode, $"HTTP {(int)deleted.StatusCode}");
        await using var session = await browser.Browser.NewContextAsync();
        var page = await session.NewPageAsync();
        await page.SignInAsync(portal, owner.Email, owner.Password);

        await page.GotoInteractiveAsync(portal, $"/create?reuse={jobId}");
        await Assertions.Expect(page.Locator("#adapters-none")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#adapters-upload-link")).ToHaveAttributeAsync("href", "/tenant/adapters");
        await Assertions.Expect(page.Locator("#adapter-row-0")).ToHaveAttributeAsync("data-name", "old-mug");
        await Assertions.Expect(page.Locator("#adapter-row-0 .adapter-weight-value")).ToHaveTextAsync(1.5.ToString("0.00", CultureInfo.InvariantCulture));
        await page.ClickAsync("#generate");

        await Assertions.Expect(page.Locator("#adapter-row-0 .adapter-error")).ToContainTextAsync("names no adapter you can use");
        await Assertions.Expect(page.Locator("#adapter-row-0 .adapter-error")).ToContainTextAsync("loras[0].name");
        Assert.Equal(1, await portal.JobCountAsync(owner.TenantId));

        // Removing the row drops its stale error with it.
        await page.Locator("#adapter-row-0 .adapter-remove").ClickAsync();
        await Assertions.Expect(page.Locator(".adapter-row")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".adapter-error")).ToHaveCountAsync(0);
    }
}
