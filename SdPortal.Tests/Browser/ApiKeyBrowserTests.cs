using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using SdPortal.Data;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class ApiKeyBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Admin_CreatesAnApiKeyInTheUi_ItWorksAgainstTheApi_UntilRevoked()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        portal.StartOnKestrel();
        var owner = await portal.RegisterTenantAsync("Key Makers");
        await using var session = await browser.Browser.NewContextAsync();
        var page = await session.NewPageAsync();
        await page.SignInAsync(portal, owner.Email, owner.Password);

        await page.GotoInteractiveAsync(portal, "/tenant/api-keys");
        await page.Locator("#api-key-name").FillAsync("render farm");
        await page.ClickAsync("#api-key-create");
        var key = (await page.Locator("#api-key-secret").TextContentAsync())!.Trim();
        await Assertions.Expect(page.Locator("#api-key-table")).ToContainTextAsync("render farm");
        await ScreenshotStore.SaveAsync(page, "api-keys");

        using var api = portal.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var tenant = await api.GetAsync(new Uri("/api/v1/tenant", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, tenant.StatusCode);
        Assert.Contains("Key Makers", await tenant.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.Locator("#api-key-table")).ToContainTextAsync("revoked");
        var afterRevoke = await api.GetAsync(new Uri("/api/v1/tenant", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
    }
}
