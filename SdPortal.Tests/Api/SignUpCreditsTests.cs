using System.Net;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Tenancy;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Api;

/// <summary>Issue 13 item 5: the starting credits wait for the email confirmation, and come once.</summary>
public sealed class SignUpCreditsTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Register_GrantsNothing_ConfirmingGrantsTheSignUpCredits_AndConfirmingTwiceGrantsOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database);
        const string email = "patient@example.test";

        var registered = await portal.PostRegisterAsync(email, PortalWebFactory.DefaultPassword, "Patient Studio");
        Assert.Equal(HttpStatusCode.Accepted, registered.StatusCode);
        using var owner = await portal.LoginAsync(email);
        var before = (await PortalWebFactory.GetJsonAsync(owner, "/api/v1/tenant")).GetProperty("credits").GetInt64();

        var link = await portal.ConfirmEmailAsync(email);
        var afterFirst = (await PortalWebFactory.GetJsonAsync(owner, "/api/v1/tenant")).GetProperty("credits").GetInt64();
        using var anonymous = portal.CreateClient();
        var second = await anonymous.GetAsync(new Uri($"/api/v1/auth/confirm-email{new Uri(link).Query}", UriKind.Relative));
        var afterSecond = (await PortalWebFactory.GetJsonAsync(owner, "/api/v1/tenant")).GetProperty("credits").GetInt64();
        var grants = await portal.WithContextAsync(null, db =>
            db.CreditLedger.IgnoreQueryFilters([TenantIsolation.FilterName]).CountAsync(e => e.IdempotencyKey.StartsWith("signup:")));

        output.WriteLine($"{provider}: credits before confirmation {before}, after it {afterFirst}, after a second confirmation " +
                         $"{afterSecond} (second answered {(int)second.StatusCode}); sign-up ledger entries {grants}");
        Assert.Equal(0, before);
        Assert.Equal(100, afterFirst);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.Equal(100, afterSecond);
        Assert.Equal(1, grants);
    }

    [Fact]
    public async Task ConfirmationPage_FromTheMailedLink_ConfirmsAndGrants_AndABadCodeGrantsNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        const string email = "reader@example.test";
        Assert.Equal(HttpStatusCode.Accepted, (await portal.PostRegisterAsync(email, PortalWebFactory.DefaultPassword, "Reader")).StatusCode);
        var link = (await portal.Mail.WaitForAsync(email, PortalWebFactory.ConfirmationSubject)).LinkTo("/account/confirm-email");
        using var browserless = portal.CreateClient();

        var forged = await browserless.GetStringAsync(new Uri($"{new Uri(link).AbsolutePath}{new Uri(link).Query}x", UriKind.Relative));
        using var owner = await portal.LoginAsync(email);
        var afterForged = (await PortalWebFactory.GetJsonAsync(owner, "/api/v1/tenant")).GetProperty("credits").GetInt64();
        var page = await browserless.GetStringAsync(new Uri(new Uri(link).PathAndQuery, UriKind.Relative));
        var afterPage = (await PortalWebFactory.GetJsonAsync(owner, "/api/v1/tenant")).GetProperty("credits").GetInt64();

        Assert.Contains("invalid or expired", forged, StringComparison.Ordinal);
        Assert.Equal(0, afterForged);
        Assert.Contains("id=\"email-confirmed\"", page, StringComparison.Ordinal);
        Assert.Equal(100, afterPage);
    }
}
