using Microsoft.Playwright;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Tests.Generation;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class CreateBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task SignUp_Create_WatchesThePreviewForm_ThenFindsTheImageInTheGallery()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        // Each step held 60 ms: the tiny model alone finishes 30 steps faster than a browser can watch them.
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings())
        {
            TestServices = TestEngines.Slow(TimeSpan.FromMilliseconds(60)),
        };
        portal.StartOnKestrel();
        await using var session = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await session.NewPageAsync();

        await page.GotoAsync(portal.Url("/account/register"));
        await page.FillAsync("#email", "grace@example.test");
        await page.FillAsync("#password", "cobol-compiler-1959");
        await page.FillAsync("#tenant", "Hopper Works");
        await page.ClickAsync("#register-submit");
        await Assertions.Expect(page.Locator("#register-accepted")).ToBeVisibleAsync();
        // The 100 sign-up credits come with the confirmation link the portal mailed.
        var link = (await portal.Mail.WaitForAsync("grace@example.test", PortalWebFactory.ConfirmationSubject)).LinkTo("/account/confirm-email");
        await page.GotoAsync(portal.Url(new Uri(link).PathAndQuery));
        await Assertions.Expect(page.Locator("#email-confirmed")).ToBeVisibleAsync();
        await page.SignInAsync(portal, "grace@example.test", "cobol-compiler-1959");
        await page.WaitForURLAsync("**/create");
        await Assertions.Expect(page.Locator(".mud-layout[data-interactive=true]")).ToBeVisibleAsync();

        await page.DescribeJobAsync("a lighthouse at dusk, oil painting", steps: 30);
        await Assertions.Expect(page.Locator("#cost-credits")).ToHaveTextAsync("1");
        await page.RecordPreviewSourcesAsync();
        await page.ClickAsync("#generate");

        await Assertions.Expect(page.Locator("#job-done")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var previews = await page.PreviewSourcesAsync();
        output.WriteLine($"distinct preview URLs seen while running: {previews.Length}");
        Assert.True(previews.Length >= 2, $"The preview changed {previews.Length} time(s): {string.Join(", ", previews)}");
        await Assertions.Expect(page.Locator("#results img")).ToHaveCountAsync(1);
        // The balance beside the cost follows the job: 100 sign-up credits less the one this image cost.
        await Assertions.Expect(page.Locator("#cost")).ToContainTextAsync("balance 99");
        await page.WaitForFunctionAsync("() => document.querySelector('#results img').naturalWidth === 256");
        await ScreenshotStore.SaveAsync(page, "create");

        await page.ClickAsync(".open-in-gallery");
        await Assertions.Expect(page.Locator("#details-prompt")).ToHaveTextAsync("a lighthouse at dusk, oil painting");
        await page.ClickAsync("#details-close");
        await Assertions.Expect(page.Locator("#gallery-grid .gallery-card")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#gallery-grid .gallery-prompt")).ToHaveTextAsync("a lighthouse at dusk, oil painting");
        await ScreenshotStore.SaveAsync(page, "gallery");
    }

    /// <summary>R9: twenty clicks dispatched in one JavaScript call, before any re-render, create one job and one reservation.</summary>
    [Fact]
    public async Task TwentyClicksOnGenerate_BeforeARender_CreateOneJobAndOneReservation()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings());
        portal.StartOnKestrel();
        var owner = await portal.RegisterTenantAsync("Double Clickers");
        await using var session = await browser.Browser.NewContextAsync();
        var page = await session.NewPageAsync();
        await page.SignInAsync(portal, owner.Email, owner.Password);
        await page.GotoInteractiveAsync(portal, "/create");
        await page.DescribeJobAsync("a red bicycle");

        await page.EvaluateAsync("() => { const button = document.querySelector('#generate'); for (let i = 0; i < 20; i++) button.click(); }");

        await Assertions.Expect(page.Locator("#job-done")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var jobs = await portal.JobCountAsync(owner.TenantId);
        var reservations = await portal.LedgerEntriesAsync(owner.TenantId, CreditEntryKind.Reserve);
        output.WriteLine($"R9: clicks = 20, jobs created = {jobs}, reservations = {reservations}");
        Assert.Equal((1, 1), (jobs, reservations));
    }

    /// <summary>A reload mid-job rebuilds the running job from the server; Cancel then stops it and releases its credits.</summary>
    [Fact]
    public async Task ReloadWhileRunning_RebuildsTheJob_AndCancelStopsItAndReleasesTheCredits()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings())
        {
            TestServices = TestEngines.Slow(TimeSpan.FromMilliseconds(250)),
        };
        portal.StartOnKestrel();
        var owner = await portal.RegisterTenantAsync("Second Thoughts");
        await using var session = await browser.Browser.NewContextAsync();
        var page = await session.NewPageAsync();
        await page.SignInAsync(portal, owner.Email, owner.Password);
        await page.GotoInteractiveAsync(portal, "/create");
        await page.DescribeJobAsync("a slow sunrise", steps: 40);
        await page.ClickAsync("#generate");
        // Running means a worker took it; the model may still be opening. Reload once it is a few steps in, so the
        // rebuilt page can be told apart from one that starts over at step 0.
        await Assertions.Expect(page.Locator("#job-card[data-status=running]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.WaitForFunctionAsync("() => { const s = document.querySelector('#job-step'); return s && parseInt(s.textContent.replace('Step', '')) >= 3; }",
            null, new() { Timeout = 30_000 });

        // A dropped circuit or a reload: the new circuit finds the in-flight job and follows it from where it is.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".mud-layout[data-interactive=true]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#job-card[data-status=running]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#job-step")).ToContainTextAsync("/ 40");
        var stepText = (await page.Locator("#job-step").TextContentAsync())!;
        var stepAtCancel = int.Parse(stepText.Split('/')[0].Replace("Step", string.Empty, StringComparison.Ordinal).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        await page.ClickAsync("#job-cancel");
        await Assertions.Expect(page.Locator("#job-ended")).ToContainTextAsync("Canceled", new() { Timeout = 30_000 });
        var releases = await portal.LedgerEntriesAsync(owner.TenantId, CreditEntryKind.Release);
        var captures = await portal.LedgerEntriesAsync(owner.TenantId, CreditEntryKind.Capture);
        output.WriteLine($"Reload rebuilt the job at step {stepAtCancel}/40; after Cancel: releases = {releases}, captures = {captures}");
        Assert.InRange(stepAtCancel, 3, 39);
        Assert.Equal((1, 0), (releases, captures));
        await Assertions.Expect(page.Locator("#job-cancel")).ToHaveCountAsync(0);
    }
}
