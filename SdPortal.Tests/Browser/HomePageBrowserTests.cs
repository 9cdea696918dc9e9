using Microsoft.Playwright;
using SdPortal.Data;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class HomePageBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task HomePage_InChromium_ShowsTheMudBlazorLayoutAndConnectsTheCircuit()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        portal.StartOnKestrel();
        // Declared after the portal so it closes first: an open circuit would hold Kestrel's shutdown.
        await using var session = await browser.Browser.NewContextAsync();
        var page = await session.NewPageAsync();

        await page.GotoAsync(portal.Url("/"));

        await Assertions.Expect(page.Locator(".mud-layout")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#app-title")).ToHaveTextAsync("SdPortal");
        await Assertions.Expect(page.Locator("#home-heading")).ToHaveTextAsync("Create images from words");
        // The layout marks itself once the circuit is interactive; the theme toggle then proves events reach the server.
        await Assertions.Expect(page.Locator(".mud-layout[data-interactive=true]")).ToBeVisibleAsync();
        const string Background = "getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-background').trim()";
        var light = await page.EvaluateAsync<string>(Background);
        await page.GetByLabel("Toggle dark theme").ClickAsync();
        await page.WaitForFunctionAsync($"() => {Background} !== '{light}'"); // a function: a bare expression is polled through eval(), which the CSP refuses
        Assert.NotEqual(light, await page.EvaluateAsync<string>(Background));
        await ScreenshotStore.SaveAsync(page, "home");
    }
}
