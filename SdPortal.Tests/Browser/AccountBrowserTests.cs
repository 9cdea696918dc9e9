using Microsoft.Playwright;
using SdPortal.Data;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class AccountBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task SignUp_SignOut_AndSignIn_InChromium()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        portal.StartOnKestrel();
        await using var session = await browser.Browser.NewContextAsync();
        var page = await session.NewPageAsync();

        await page.GotoAsync(portal.Url("/account/register"));
        await ScreenshotStore.SaveAsync(page, "sign-up");
        await page.FillAsync("#email", "ada@example.test");
        await page.FillAsync("#password", "analytical-engine-1843");
        await page.FillAsync("#tenant", "Lovelace Labs");
        await page.ClickAsync("#register-submit");
        await Assertions.Expect(page.Locator("#signed-in-as")).ToHaveTextAsync("Signed in as ada@example.test");

        await page.ClickAsync("#sign-out");
        await Assertions.Expect(page.GetByText("Sign in").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#signed-in-as")).ToHaveCountAsync(0);

        await page.GotoAsync(portal.Url("/account/login"));
        await page.FillAsync("#email", "ada@example.test");
        await page.FillAsync("#password", "wrong-password-123");
        await page.ClickAsync("#login-submit");
        await Assertions.Expect(page.Locator(".account-message")).ToHaveTextAsync("The email or password is not right.");
        await ScreenshotStore.SaveAsync(page, "sign-in-error");

        await page.FillAsync("#email", "ada@example.test");
        await page.FillAsync("#password", "analytical-engine-1843");
        await page.ClickAsync("#login-submit");
        await Assertions.Expect(page.Locator("#signed-in-as")).ToHaveTextAsync("Signed in as ada@example.test");
    }

    [Fact]
    public async Task SignUp_WithATakenEmail_ShowsTheServersMessageAndCreatesNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        portal.StartOnKestrel();
        await portal.RegisterTenantAsync("First", "taken@example.test");
        await using var session = await browser.Browser.NewContextAsync();
        var page = await session.NewPageAsync();

        await page.GotoAsync(portal.Url("/account/register"));
        await page.FillAsync("#email", "taken@example.test");
        await page.FillAsync("#password", "another-password-99");
        await page.FillAsync("#tenant", "Second Studio");
        await page.ClickAsync("#register-submit");

        await Assertions.Expect(page.Locator(".account-message")).ToHaveTextAsync("An account with this email already exists.");
        var tenants = await portal.WithContextAsync(null, db => Task.FromResult(db.Tenants.Count()));
        Assert.Equal(1, tenants);
    }
}
