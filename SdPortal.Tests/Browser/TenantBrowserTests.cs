using Microsoft.Playwright;
using SdPortal.Data;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class TenantBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task UserOfTwoTenants_SwitchesBetweenThem_AndSeesEachTenantsUsageLimitsAndAuditAsTheirRoleAllows()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        portal.StartOnKestrel();
        var (alpha, alphaOwner) = await portal.RegisterAndLoginAsync("Alpha Co");
        var (_, betaOwner) = await portal.RegisterAndLoginAsync("Beta Co");
        await PortalWebFactory.InviteAsync(alphaOwner, "carol@alpha.test");
        // Alpha's owner also joins Beta as a plain member.
        var joined = await portal.AcceptInvitationAsync(await PortalWebFactory.InviteAsync(betaOwner, alpha.Email));
        Assert.True(joined.IsSuccessStatusCode, await joined.Content.ReadAsStringAsync());

        await using var session = await browser.Browser.NewContextAsync();
        var page = await session.NewPageAsync();
        await page.SignInAsync(portal, alpha.Email, alpha.Password);
        await page.GotoInteractiveAsync(portal, "/tenant");
        await Assertions.Expect(page.Locator("#tenant-name")).ToHaveTextAsync("Alpha Co");
        await Assertions.Expect(page.Locator("#tenant-role")).ToHaveTextAsync("Owner");
        await Assertions.Expect(page.Locator("#tenant-credits")).ToHaveTextAsync("100");
        await Assertions.Expect(page.Locator("#tenant-limits")).ToContainTextAsync("Jobs running at once");
        await Assertions.Expect(page.Locator("#usage-ledger")).ToContainTextAsync("Grant");
        await ScreenshotStore.SaveAsync(page, "tenant");

        await page.GotoInteractiveAsync(portal, "/tenant/audit");
        await Assertions.Expect(page.Locator("#audit-table")).ToContainTextAsync("carol@alpha.test");
        await Assertions.Expect(page.Locator("#audit-table")).ToContainTextAsync("member.invited");
        await ScreenshotStore.SaveAsync(page, "audit");

        // Switch to Beta: the cookie is re-issued, the new circuit acts in Beta with the member role.
        await page.GotoInteractiveAsync(portal, "/tenant");
        await page.Locator("button.switch-tenant[data-tenant='beta-co']").ClickAsync();
        await Assertions.Expect(page.Locator("#tenant-name")).ToHaveTextAsync("Beta Co");
        await Assertions.Expect(page.Locator("#current-tenant")).ToContainTextAsync("Beta Co");
        await Assertions.Expect(page.Locator("#tenant-role")).ToHaveTextAsync("Member");
        await page.GotoInteractiveAsync(portal, "/tenant/audit");
        await Assertions.Expect(page.Locator("#audit-refused")).ToContainTextAsync("Only owners and admins");
        await Assertions.Expect(page.Locator("#audit-table")).ToHaveCountAsync(0);

        // And back.
        await page.Locator("button.switch-tenant[data-tenant='alpha-co']").ClickAsync();
        await Assertions.Expect(page.Locator("#current-tenant")).ToContainTextAsync("Alpha Co");
        await Assertions.Expect(page.Locator("#audit-table")).ToContainTextAsync("carol@alpha.test");
    }
}
