using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SdPortal.Data;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class AccountBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task SignUp_ConfirmThroughTheMailedLink_SignOut_AndSignIn_InChromium()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        portal.StartOnKestrel();
        await using var session = await browser.Browser.NewContextAsync();
        var page = await session.NewPageAsync();

        await page.GotoAsync(portal.Url("/account/register"));
        await ScreenshotStore.SaveAsync(page, "sign-up");
        await SignUpAsync(page, "ada@example.test", "analytical-engine-1843", "Lovelace Labs");
        await Assertions.Expect(page.Locator("#register-accepted")).ToContainTextAsync("Check your inbox");

        // The mailed link names the public URL; this test's server listens on a port of its own.
        var link = (await portal.Mail.WaitForAsync("ada@example.test", PortalWebFactory.ConfirmationSubject)).LinkTo("/account/confirm-email");
        Assert.StartsWith("http://localhost/account/confirm-email?", link, StringComparison.Ordinal);
        await page.GotoAsync(portal.Url(new Uri(link).PathAndQuery));
        await Assertions.Expect(page.Locator("#email-confirmed")).ToBeVisibleAsync();
        await page.SignInAsync(portal, "ada@example.test", "analytical-engine-1843");
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
    public async Task SignUp_WithATakenEmail_LooksLikeANewSignUp_SignsNobodyIn_CreatesNothing_AndMailsTheOwner()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        portal.StartOnKestrel();
        await portal.RegisterTenantAsync("First", "taken@example.test");
        await using var session = await browser.Browser.NewContextAsync();
        var page = await session.NewPageAsync();

        await page.GotoAsync(portal.Url("/account/register"));
        await SignUpAsync(page, "newcomer@example.test", "another-password-99", "Newcomer Studio");
        var fresh = await page.Locator("#register-accepted").TextContentAsync();
        await page.GotoAsync(portal.Url("/account/register"));
        await SignUpAsync(page, "taken@example.test", "another-password-99", "Second Studio");
        var taken = await page.Locator("#register-accepted").TextContentAsync();

        await portal.Mail.WaitForAsync("taken@example.test", "Someone tried to sign up");
        var tenants = await portal.WithContextAsync(null, db => db.Tenants.IgnoreQueryFilters().Select(t => t.Slug).OrderBy(s => s).ToListAsync());
        Assert.Equal(fresh, taken);
        await Assertions.Expect(page.Locator("#signed-in-as")).ToHaveCountAsync(0);
        Assert.Equal(["first", "newcomer-studio"], tenants);
    }

    [Fact]
    public async Task SignUpPage_SharesThePerIpBudgetWithTheApi_AndAnswers429WithRetryAfterWhenItIsSpent()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Auth:RegistrationsPerWindow"] = "2" });
        portal.StartOnKestrel();
        await using var session = await browser.Browser.NewContextAsync();
        var page = await session.NewPageAsync();

        var api = await portal.PostRegisterAsync("api@example.test", PortalWebFactory.DefaultPassword, "Api Farm");
        var statuses = new List<int> { (int)api.StatusCode };
        string? retryAfter = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await page.GotoAsync(portal.Url("/account/register"));
            var response = await page.RunAndWaitForResponseAsync(
                () => SignUpAsync(page, $"page{attempt}@example.test", PortalWebFactory.DefaultPassword, $"Page Farm {attempt}"),
                r => r.Url.Contains("/account/register", StringComparison.Ordinal) && r.Request.Method == "POST");
            statuses.Add(response.Status);
            retryAfter = await response.HeaderValueAsync("retry-after");
        }

        output.WriteLine($"Sign-ups with a budget of 2: API {statuses[0]}, page {statuses[1]}, page {statuses[2]} (Retry-After {retryAfter} s)");
        await Assertions.Expect(page.Locator(".account-message")).ToContainTextAsync("Too many sign-ups");
        Assert.Equal([202, 200, 429], statuses);
        Assert.True(int.TryParse(retryAfter, out var seconds) && seconds > 0, $"Retry-After: {retryAfter}");
        Assert.Equal(2, await portal.WithContextAsync(null, db => db.Users.CountAsync()));
    }

    [Fact]
    public async Task WithoutAMailServer_ThePagesSayTheLinkIsInTheServerLog()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Email:Delivery"] = "Log" });
        portal.StartOnKestrel();
        await using var session = await browser.Browser.NewContextAsync();
        var page = await session.NewPageAsync();

        await page.GotoAsync(portal.Url("/account/register"));
        await SignUpAsync(page, "solo@example.test", PortalWebFactory.DefaultPassword, "Solo");
        var signUp = await page.Locator("#register-accepted").TextContentAsync();
        await page.GotoAsync(portal.Url("/account/forgot-password"));
        await page.FillAsync("#email", "solo@example.test");
        await page.ClickAsync("#forgot-submit");
        var reset = await page.Locator("#forgot-sent").TextContentAsync();

        output.WriteLine($"Log mode: sign-up says \"{signUp}\"; reset says \"{reset}\"");
        Assert.All(new[] { signUp, reset }, text =>
        {
            Assert.Contains("no mail server", text, StringComparison.Ordinal);
            Assert.Contains("server log", text, StringComparison.Ordinal);
            Assert.DoesNotContain("on its way", text, StringComparison.Ordinal);
        });
        Assert.Empty(portal.Mail.Received);
    }

    private static async Task SignUpAsync(IPage page, string email, string password, string tenant)
    {
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.FillAsync("#tenant", tenant);
        await page.ClickAsync("#register-submit");
        await Assertions.Expect(page.Locator("#register-accepted, .account-message").First).ToBeVisibleAsync();
    }
}
