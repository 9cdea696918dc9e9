using Microsoft.Playwright;
using SdPortal.Data;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class MembersBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Owner_InvitesAMember_WhoJoins_AndTheLastOwnerCannotLeave()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        portal.StartOnKestrel();
        var owner = await portal.RegisterTenantAsync("Team Tables");
        await using var session = await browser.Browser.NewContextAsync();
        var page = await session.NewPageAsync();
        await page.SignInAsync(portal, owner.Email, owner.Password);

        await page.GotoInteractiveAsync(portal, "/tenant/members");
        await page.Locator("#invite-email").FillAsync("grace@example.test");
        await page.ClickAsync("#invite-submit");
        var token = (await page.Locator("#invitation-token").TextContentAsync())!.Trim();
        // The page mails the invitee the same link it shows, at the public URL (R28), and says so.
        await Assertions.Expect(page.Locator("#invitation-sent")).ToHaveTextAsync("We mailed the invitation link to grace@example.test.");
        var shown = (await page.Locator("#invitation-link").TextContentAsync())!.Trim();
        var mailed = (await portal.Mail.WaitForAsync("grace@example.test", "You are invited to join Team Tables")).LinkTo("/account/accept-invitation");
        Assert.Equal($"http://localhost/account/accept-invitation?token={Uri.EscapeDataString(token)}", mailed);
        Assert.Equal(mailed, shown);
        var accepted = await portal.AcceptInvitationAsync(token);
        Assert.True(accepted.IsSuccessStatusCode, await accepted.Content.ReadAsStringAsync());

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#members-table")).ToContainTextAsync("grace@example.test");
        await ScreenshotStore.SaveAsync(page, "members");

        // The owner's own row: removing the last owner is refused with the server's reason, and nothing changes.
        await page.Locator("#members-table tr", new() { HasText = owner.Email }).GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("owner");
        await Assertions.Expect(page.Locator("#members-table")).ToContainTextAsync(owner.Email);
    }
}
