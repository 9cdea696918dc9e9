using System.Net;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Tenancy;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Api;

/// <summary>Issue 13 item 5: a sign-up does not tell whether an email has an account, and is limited per address.</summary>
public sealed class SignUpEnumerationTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Register_WithAnExistingEmail_AnswersExactlyLikeANewOne_WritesNothing_AndMailsTheOwnerANotice(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database);
        var owner = await portal.RegisterTenantAsync("Incumbent", "taken@example.test");
        var before = await CountsAsync(portal);

        var taken = await portal.PostRegisterAsync(owner.Email, "an-attackers-password-1", "Squatter");
        var counts = await CountsAsync(portal);
        var fresh = await portal.PostRegisterAsync("fresh@example.test", "a-newcomers-password-1", "Newcomer");
        var takenBody = await taken.Content.ReadAsStringAsync();
        var freshBody = await fresh.Content.ReadAsStringAsync();

        var notice = await portal.Mail.WaitForAsync(owner.Email, "Someone tried to sign up");
        output.WriteLine($"{provider}: taken email → {(int)taken.StatusCode} {takenBody}; new email → {(int)fresh.StatusCode} {freshBody}; " +
                         $"rows (users, tenants, ledger) before {before}, after the taken sign-up {counts}; notice \"{notice.Subject}\"");
        Assert.Equal(HttpStatusCode.Accepted, fresh.StatusCode);
        Assert.Equal(fresh.StatusCode, taken.StatusCode);
        Assert.Equal(freshBody, takenBody);
        Assert.Equal(fresh.Content.Headers.ContentType?.ToString(), taken.Content.Headers.ContentType?.ToString());
        Assert.Equal(fresh.Headers.Location, taken.Headers.Location);
        Assert.DoesNotContain(owner.UserId.ToString(), takenBody, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, counts);
        Assert.Equal(["http://localhost/account/forgot-password", "http://localhost/account/login"], notice.Links.Order());
        // Nothing changed for the owner: their password still works, the attempted one does not.
        Assert.Equal(HttpStatusCode.OK, (await portal.TryLoginAsync(owner.Email, owner.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await portal.TryLoginAsync(owner.Email, "an-attackers-password-1")).StatusCode);
    }

    [Fact]
    public async Task Register_WithAnUnconfirmedExistingEmail_MailsAFreshConfirmationLink_AndStillWritesNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        const string email = "forgetful@example.test";
        Assert.Equal(HttpStatusCode.Accepted, (await portal.PostRegisterAsync(email, PortalWebFactory.DefaultPassword, "Forgetful")).StatusCode);
        await portal.Mail.WaitForAsync(email, PortalWebFactory.ConfirmationSubject);
        var before = await CountsAsync(portal);

        Assert.Equal(HttpStatusCode.Accepted, (await portal.PostRegisterAsync(email, PortalWebFactory.DefaultPassword, "Forgetful Again")).StatusCode);
        var second = await portal.Mail.WaitForAsync(
            m => m.To.Contains(email) && m.Subject.StartsWith(PortalWebFactory.ConfirmationSubject, StringComparison.Ordinal)
                 && portal.Mail.ReceivedFor(email).Count == 2, "a second confirmation");

        Assert.Equal(before, await CountsAsync(portal));
        Assert.All(portal.Mail.ReceivedFor(email), m => Assert.StartsWith(PortalWebFactory.ConfirmationSubject, m.Subject, StringComparison.Ordinal));
        using var client = portal.CreateClient();
        var confirmed = await client.GetAsync(new Uri($"/api/v1/auth/confirm-email{new Uri(second.LinkTo("/account/confirm-email")).Query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
    }

    [Fact]
    public async Task Register_IsLimitedPerAddress_With429AndRetryAfter_AndRefusedAttemptsWriteNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Auth:RegistrationsPerWindow"] = "3" });

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
        {
            responses.Add(await portal.PostRegisterAsync($"farmer{i}@example.test", PortalWebFactory.DefaultPassword, $"Farm {i}"));
        }

        var statuses = responses.Select(r => (int)r.StatusCode).ToList();
        var users = await portal.WithContextAsync(null, db => db.Users.CountAsync());
        output.WriteLine($"5 sign-ups from one address with a budget of 3: {string.Join(", ", statuses)}; " +
                         $"Retry-After {responses[^1].Headers.RetryAfter?.Delta?.TotalSeconds} s; accounts created {users}");
        Assert.Equal([202, 202, 202, 429, 429], statuses);
        Assert.All(responses.Skip(3), r => Assert.True(r.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After"));
        Assert.Equal("application/problem+json", responses[^1].Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, users);
    }

    private static Task<(int Users, int Tenants, int Ledger)> CountsAsync(PortalWebFactory portal) => portal.WithContextAsync(null, async db =>
        (await db.Users.CountAsync(), await db.Tenants.IgnoreQueryFilters().CountAsync(),
         await db.CreditLedger.IgnoreQueryFilters([TenantIsolation.FilterName]).CountAsync()));
}
