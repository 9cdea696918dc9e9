using Microsoft.Playwright;
using SdPortal.Data;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class AccountRecoveryBrowserTests(BrowserFixture browser)
{
    private const string NewPassword = "a-brand-new-passphrase-42";

    [Fact]
    public async Task ForgottenPassword_IsResetThroughTheEmailedLink_OnceOnly_AndTheOldPasswordStopsWorking()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        portal.StartOnKestrel();
        var owner = await portal.RegisterTenantAsync("Forgetful");
        await using var session = await browser.Browser.NewContextAsync();
        var page = await session.NewPageAsync();

        // An unknown email gets the same answer and no mail (no account enumeration). Mail leaves in queue order, so once
        // the owner's message arrived, one for the unknown address would have arrived before it.
        await RequestResetAsync(page, portal, "nobody@forgetful.test");
        await RequestResetAsync(page, portal, owner.Email);
        var link = (await portal.Mail.WaitForAsync(owner.Email, "Reset your SdPortal password")).LinkTo("/account/reset-password");
        Assert.Empty(portal.Mail.ReceivedFor("nobody@forgetful.test"));
        Assert.Single(portal.Mail.ReceivedFor(owner.Email), m => m.Subject.StartsWith("Reset", StringComparison.Ordinal));
        // The link names the configured public URL; this test's server listens on a port of its own.
        Assert.StartsWith("http://localhost/account/reset-password?", link, StringComparison.Ordinal);
        link = portal.Url(new Uri(link).PathAndQuery);

        await page.GotoAsync(link);
        await page.FillAsync("#password", NewPassword);
        await page.FillAsync("#confirm", "something else entirely");
        await page.ClickAsync("#reset-submit");
        await Assertions.Expect(page.Locator(".account-errors")).ToContainTextAsync("The two passwords differ.");
        await page.FillAsync("#password", NewPassword);
        await page.FillAsync("#confirm", NewPassword);
        await page.ClickAsync("#reset-submit");
        await Assertions.Expect(page.Locator("#reset-done")).ToBeVisibleAsync();

        // The link works once.
        await page.GotoAsync(link);
        await page.FillAsync("#password", NewPassword + "!");
        await page.FillAsync("#confirm", NewPassword + "!");
        await page.ClickAsync("#reset-submit");
        await Assertions.Expect(page.Locator(".account-message")).ToContainTextAsync("invalid, used or expired");

        Assert.False((await portal.TryLoginAsync(owner.Email, owner.Password)).IsSuccessStatusCode);
        await page.SignInAsync(portal, owner.Email, NewPassword);
    }

    [Fact]
    public async Task InvitedNewcomer_JoinsThroughTheInvitationLink_AndSignsIn()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        portal.StartOnKestrel();
        var (_, owner) = await portal.RegisterAndLoginAsync("Welcoming");
        var token = await PortalWebFactory.InviteAsync(owner, "newcomer@welcoming.test");
        await using var session = await browser.Browser.NewContextAsync();
        var page = await session.NewPageAsync();

        await page.GotoAsync(portal.Url("/account/accept-invitation?token=not-a-real-token"));
        await page.FillAsync("#password", NewPassword);
        await page.ClickAsync("#invitation-submit");
        await Assertions.Expect(page.Locator(".account-message")).ToContainTextAsync("unknown, used or expired");

        await page.GotoAsync(portal.Url($"/account/accept-invitation?token={Uri.EscapeDataString(token)}"));
        await page.FillAsync("#password", NewPassword);
        await page.ClickAsync("#invitation-submit");
        await Assertions.Expect(page.Locator("#invitation-accepted")).ToContainTextAsync("welcoming");
        await page.SignInAsync(portal, "newcomer@welcoming.test", NewPassword);
        await page.GotoInteractiveAsync(portal, "/tenant");
        await Assertions.Expect(page.Locator("#tenant-name")).ToHaveTextAsync("Welcoming");
        await Assertions.Expect(page.Locator("#tenant-role")).ToHaveTextAsync("Member");
    }

    /// <summary>R19 through the browser: the sign-in page spends the same per-IP budget as the API's login route.</summary>
    [Fact]
    public async Task SignInPage_SharesThePerIpBudgetWithTheApi_AndSays429WhenItIsSpent()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Auth:LoginAttemptsPerWindow"] = "3" });
        portal.StartOnKestrel();
        var owner = await portal.RegisterTenantAsync("Stuffed");
        await using var session = await browser.Browser.NewContextAsync();
        var page = await session.NewPageAsync();

        var statuses = new List<int>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            await page.GotoAsync(portal.Url("/account/login"));
            await page.FillAsync("#email", owner.Email);
            await page.FillAsync("#password", "not-the-password");
            var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#login-submit"),
                r => r.Url.Contains("/account/login", StringComparison.Ordinal) && r.Request.Method == "POST");
            statuses.Add(response.Status);
        }

        await Assertions.Expect(page.Locator(".account-message")).ToContainTextAsync("Too many attempts");
        // The same address through the API: the budget is already spent.
        var api = await portal.TryLoginAsync(owner.Email, owner.Password);
        Assert.Equal([200, 200, 200, 429], statuses);
        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, api.StatusCode);
        Assert.True(api.Headers.RetryAfter is not null, "429 without Retry-After");
    }

    private static async Task RequestResetAsync(IPage page, PortalWebFactory portal, string email)
    {
        await page.GotoAsync(portal.Url("/account/login"));
        await page.ClickAsync("#forgot-link");
        // The sign-in page has an #email field too: fill only once the reset page is the one shown.
        await page.WaitForURLAsync("**/account/forgot-password");
        await Assertions.Expect(page.Locator("#forgot-submit")).ToBeVisibleAsync();
        await page.FillAsync("#email", email);
        await page.ClickAsync("#forgot-submit");
        await Assertions.Expect(page.Locator("#forgot-sent")).ToBeVisibleAsync();
    }
}
