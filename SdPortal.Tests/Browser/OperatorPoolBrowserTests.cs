using Microsoft.Playwright;
using SdPortal.Data;
using SdPortal.Tests.Generation;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class OperatorPoolBrowserTests(BrowserFixture browser)
{
    private const string OperatorEmail = "pool-operator@example.test";

    [Fact]
    public async Task Operator_SeesTheWorkersDevicesAndEachTenantsQueue_AndAMemberIsRefusedHereAndAtTheDashboard()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(workers: 1, ("Portal:Operators:0", OperatorEmail)))
        {
            TestServices = TestEngines.Slow(TimeSpan.FromMilliseconds(150)),
        };
        portal.StartOnKestrel();
        var (busy, owner) = await portal.RegisterAndLoginAsync("Busy Bees");
        var op = await portal.RegisterTenantAsync("Pool Ops", OperatorEmail);
        // One worker: the first job runs (20 steps × 150 ms), the other two wait in the queue.
        for (var i = 0; i < 3; i++)
        {
            await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(("steps", 20)));
        }

        await using var operatorSession = await browser.Browser.NewContextAsync();
        var page = await operatorSession.NewPageAsync();
        await page.SignInAsync(portal, op.Email, op.Password);
        await page.GotoInteractiveAsync(portal, "/operator/pool");

        // The in-process worker reports its device through the job gateway; the running job's model shows up on a
        // later report (every 5 s), which the page picks up on its own refresh.
        var devices = page.Locator("#pool-devices");
        await Assertions.Expect(devices).ToContainTextAsync("cpu");
        await Assertions.Expect(devices).ToContainTextAsync("tiny-synthetic", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#pool-tenants")).ToContainTextAsync("Busy Bees");
        await Assertions.Expect(page.Locator("#pool-capacity")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#nav-pool")).ToBeVisibleAsync();
        await ScreenshotStore.SaveAsync(page, "operator-pool");

        await using var memberSession = await browser.Browser.NewContextAsync();
        var memberPage = await memberSession.NewPageAsync();
        await memberPage.SignInAsync(portal, busy.Email, busy.Password);
        await memberPage.GotoInteractiveAsync(portal, "/operator/pool");
        await Assertions.Expect(memberPage.Locator("#pool-refused")).ToContainTextAsync("Operators only");
        await Assertions.Expect(memberPage.Locator("#pool-tenants")).ToHaveCountAsync(0);
        await Assertions.Expect(memberPage.Locator("#nav-pool")).ToHaveCountAsync(0);
        // The jobs dashboard refuses the signed-in non-operator outright (a bodiless 403, which Chromium will not render as
        // a page, so the request goes through the browser context's own client with its cookies), and lets the operator in.
        var dashboard = await memberSession.APIRequest.GetAsync(portal.Url("/hangfire"));
        Assert.Equal(403, dashboard.Status);
        var operatorDashboard = await page.GotoAsync(portal.Url("/hangfire"));
        Assert.Equal(200, operatorDashboard!.Status);
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("SdPortal jobs");
    }
}
