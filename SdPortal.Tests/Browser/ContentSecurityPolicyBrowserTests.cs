using Microsoft.Playwright;
using SdPortal.Data;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Browser;

/// <summary>
/// The portal's Content-Security-Policy (script-src 'self' and a nonce, no inline code, no eval) is one Blazor Server and
/// MudBlazor work under: every main page opens in Chromium with no violation, and the circuit and MudBlazor's scripts work.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ContentSecurityPolicyBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string OperatorEmail = "csp-operator@example.test";

    private static readonly string[] AnonymousPages = ["/account/login", "/account/register", "/account/forgot-password"];

    private static readonly string[] SignedInPages =
        ["/", "/create", "/gallery", "/tenant", "/tenant/members", "/tenant/api-keys", "/tenant/audit", "/billing", "/operator/pool"];

    [Fact]
    public async Task MainPages_UnderThePolicy_ReportNoViolation_AndStayInteractive()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Portal:Operators:0"] = OperatorEmail });
        portal.StartOnKestrel();
        var op = await portal.RegisterTenantAsync("Policy Keepers", OperatorEmail);
        await using var session = await browser.Browser.NewContextAsync();
        var violations = new List<string>();
        var consoleErrors = new List<string>();
        // The page reports each violation to the test, on every document it loads.
        await session.ExposeFunctionAsync("__reportCspViolation", (string v) => violations.Add(v));
        await session.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation',
                e => window.__reportCspViolation(`${location.pathname}: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));
            """);
        var page = await session.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add($"{page.Url}: {message.Text}");
            }
        };

        var opened = 0;
        foreach (var path in AnonymousPages)
        {
            await OpenAsync(page, portal, path, interactive: false);
            opened++;
        }

        await page.SignInAsync(portal, op.Email, op.Password);
        foreach (var path in SignedInPages)
        {
            await OpenAsync(page, portal, path, interactive: true);
            opened++;
        }

        // MudBlazor's own script at work over the circuit: the size list on Create opens as a popover and closes on a pick.
        await page.GotoInteractiveAsync(portal, "/create");
        await page.ChooseSizeAsync("256 × 256");
        // The theme toggle: a click reaches the server and the re-render changes the theme's CSS variables.
        const string Background = "getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-background').trim()";
        var light = await page.EvaluateAsync<string>(Background);
        await page.GetByLabel("Toggle dark theme").ClickAsync();
        // A function, not a bare expression: Playwright polls a bare expression through eval() in the page, which this
        // very policy refuses (an EvalError whenever the re-render is slower than the first check).
        await page.WaitForFunctionAsync($"() => {Background} !== '{light}'");
        // The jobs dashboard under its own policy.
        var dashboard = await page.GotoAsync(portal.Url("/hangfire"));
        Assert.Equal(200, dashboard!.Status);
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("SdPortal jobs");
        opened++;
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var found = violations.Count;
        var pageErrors = consoleErrors.ToList();
        output.WriteLine($"CSP violations = {found} over {opened} pages (console errors: {consoleErrors.Count})");
        violations.ForEach(v => output.WriteLine($"  violation {v}"));
        consoleErrors.ForEach(e => output.WriteLine($"  console {e}"));

        // Control: the detector sees what the policy forbids. An injected inline script must be refused and reported.
        await page.GotoInteractiveAsync(portal, "/");
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.__injected = true'; document.body.appendChild(s); }");
        await Assertions.Expect(page.Locator("body")).ToBeVisibleAsync();
        var injectedRan = await page.EvaluateAsync<bool>("() => window.__injected === true");
        await WaitForAsync(() => violations.Count > found);
        output.WriteLine($"control: injected inline script ran: {(injectedRan ? "yes" : "no")}; violations reported for it: {violations.Count - found}");

        Assert.Equal(0, found);
        Assert.DoesNotContain(pageErrors, e => e.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
        Assert.False(injectedRan);
        Assert.True(violations.Count > found);
        Assert.Contains(consoleErrors.Skip(pageErrors.Count), e => e.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task OpenAsync(IPage page, PortalWebFactory portal, string path, bool interactive)
    {
        var response = await page.GotoAsync(portal.Url(path));
        var policy = await response!.HeaderValueAsync("content-security-policy");
        Assert.NotNull(policy);
        Assert.Contains("script-src 'self' 'nonce-", policy, StringComparison.Ordinal);
        if (interactive)
        {
            await Assertions.Expect(page.Locator(".mud-layout[data-interactive=true]")).ToBeVisibleAsync();
        }
        else
        {
            await Assertions.Expect(page.Locator(".mud-layout")).ToBeVisibleAsync();
        }

        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    /// <summary>Waits for a report the browser delivers asynchronously (a binding call), bounded by Playwright's usual 5 s.</summary>
    private static async Task WaitForAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(5);
        while (!condition() && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }
    }
}
