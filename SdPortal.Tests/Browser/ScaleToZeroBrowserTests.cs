using Microsoft.Playwright;
using SdPortal.Tests.Generation;
using SdPortal.Web.Generation;
using Xunit.Abstractions;

namespace SdPortal.Tests.Browser;

/// <summary>
/// The GPU pool scaled to zero (ADR-024): on a web node with no inference host, a job submitted on the Create page
/// says it waits for a GPU to start instead of an ETA; the first host that comes up takes it and the card shows the result.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ScaleToZeroBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task CreatePage_WithNoHost_SaysItWaitsForAGpu_ThenTheFirstHostRunsTheJob()
    {
        await using var cluster = await InferenceHostCluster.StartAsync(invisibilityTimeoutSeconds: 1800);
        var owner = await cluster.Portal.RegisterTenantAsync("Cold Start");
        await using var session = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await session.NewPageAsync();
        await page.SignInAsync(cluster.Portal, owner.Email, owner.Password);
        await page.GotoInteractiveAsync(cluster.Portal, "/create");
        await page.DescribeJobAsync("a lighthouse at dusk, oil painting", steps: 8);
        await page.ClickAsync("#generate");

        var heading = page.Locator("#job-queue[data-waiting-for-gpu=true]");
        await Assertions.Expect(heading).ToHaveTextAsync("Waiting for a GPU to start (position 1)");
        await Assertions.Expect(page.Locator("#job-wait-reason")).ToHaveTextAsync(FairDispatcher.WaitingForGpuReason);
        var card = (await page.Locator("#job-card").TextContentAsync())!;

        await cluster.StartHostAsync(workers: 1);
        await Assertions.Expect(page.Locator("#job-done")).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await Assertions.Expect(page.Locator("#results img")).ToHaveCountAsync(1);
        output.WriteLine($"Card with no host: \"{card.Trim()}\"; after a host came up: \"{(await page.Locator("#job-done").TextContentAsync())?.Trim()}\"");
        Assert.DoesNotContain("starts in", card, StringComparison.Ordinal);
    }
}
