using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SdPortal.Data;
using SdPortal.Tests.Billing.Support;
using SdPortal.Tests.Support;
using Stripe;

namespace SdPortal.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class BillingBrowserTests(BrowserFixture browser)
{
    private const string Secret = "whsec_browser_billing";

    [Fact]
    public async Task Owner_BuysAPackOnTheBillingPage_AndThePaidWebhookCreditsIt()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?>
        {
            ["Stripe:SecretKey"] = "sk_test_browser",
            ["Stripe:WebhookSecret"] = Secret,
            ["Stripe:ApiBase"] = stripe.ApiBase,
            ["Billing:Packs:0:Key"] = "small",
            ["Billing:Packs:0:Name"] = "Small pack",
            ["Billing:Packs:0:Credits"] = $"{StripePayloads.PackCredits}",
            ["Billing:Packs:0:StripePriceId"] = StripePayloads.PackPrice,
        });
        portal.StartOnKestrel();
        var owner = await portal.RegisterTenantAsync("Buyers Club");
        await using var session = await browser.Browser.NewContextAsync();
        var page = await session.NewPageAsync();
        // Stripe's hosted Checkout is the internet; the browser lands on a stand-in page instead.
        await page.RouteAsync("https://checkout.stripe.test/**", route => route.FulfillAsync(new() { Body = "<h1>Stripe Checkout</h1>", ContentType = "text/html" }));
        await page.SignInAsync(portal, owner.Email, owner.Password);

        await page.GotoInteractiveAsync(portal, "/billing");
        var before = long.Parse((await page.Locator("#billing-credits").TextContentAsync())!.Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        await Assertions.Expect(page.Locator("#ledger-table")).ToContainTextAsync("Grant");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("Buy Small pack") }).ClickAsync();
        await page.WaitForURLAsync("https://checkout.stripe.test/c/pay/**");

        var customer = await portal.WithContextAsync(owner.TenantId, db => db.BillingAccounts.Select(a => a.StripeCustomerId).SingleAsync());
        var body = StripePayloads.Event("evt_browser_paid", "checkout.session.completed", DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            StripePayloads.Session("cs_browser", customer, owner.TenantId, "paid"));
        using var client = portal.CreateClient();
        using var delivery = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/billing/stripe/webhook", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        delivery.Headers.TryAddWithoutValidation("Stripe-Signature", EventUtility.GenerateSignatureHeader(body, Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        Assert.True((await client.SendAsync(delivery)).IsSuccessStatusCode);

        var expected = (before + StripePayloads.PackCredits).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        // The webhook is processed in the background: reload until the credits arrive (or 20 s pass).
        string? shown = null;
        for (var attempt = 0; attempt < 40 && shown != expected; attempt++)
        {
            await page.GotoInteractiveAsync(portal, "/billing?checkout=success");
            shown = (await page.Locator("#billing-credits").TextContentAsync())?.Trim();
            if (shown != expected)
            {
                await Task.Delay(500);
            }
        }

        Assert.Equal(expected, shown);
        await Assertions.Expect(page.Locator("#ledger-table")).ToContainTextAsync($"+{StripePayloads.PackCredits}");
        await Assertions.Expect(page.Locator("#payments-table")).ToContainTextAsync("19.00 EUR");
        await ScreenshotStore.SaveAsync(page, "billing");
    }
}
