using Microsoft.Playwright;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Browser;

/// <summary>Intent steps the browser tests share: serve the portal on Kestrel, sign in, open a page once it is live.</summary>
public static class BrowserPageExtensions
{
    /// <summary>Starts the portal on a free loopback port, as a browser needs; call before any client is created.</summary>
    public static PortalWebFactory StartOnKestrel(this PortalWebFactory portal)
    {
        portal.UseKestrel(0);
        portal.StartServer();
        return portal;
    }

    public static string Url(this PortalWebFactory portal, string path) =>
        $"{portal.ClientOptions.BaseAddress.ToString().TrimEnd('/')}{path}";

    /// <summary>Signs in through the login page and waits until the layout shows the signed-in user.</summary>
    public static async Task SignInAsync(this IPage page, PortalWebFactory portal, string email, string password)
    {
        await page.GotoAsync(portal.Url("/account/login"));
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#login-submit");
        await Assertions.Expect(page.Locator("#signed-in-as")).ToBeVisibleAsync();
    }

    /// <summary>Opens <paramref name="path"/> and waits for the interactive circuit, so clicks reach the server.</summary>
    public static async Task GotoInteractiveAsync(this IPage page, PortalWebFactory portal, string path)
    {
        await page.GotoAsync(portal.Url(path));
        await Assertions.Expect(page.Locator(".mud-layout[data-interactive=true]")).ToBeVisibleAsync();
    }
}
