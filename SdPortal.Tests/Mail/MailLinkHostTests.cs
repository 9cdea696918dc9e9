using System.Net;
using System.Net.Http.Json;
using SdPortal.Data;
using SdPortal.Tests.Support;
using Xunit.Abstractions;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Mail;

/// <summary>R28: every link in every mail comes from Portal:PublicBaseUrl, whatever Host or X-Forwarded-Host says.</summary>
public sealed class MailLinkHostTests(ITestOutputHelper output)
{
    private const string PublicBase = "http://localhost/";

    public static TheoryData<string, string> ForgedHeaders => new()
    {
        { "Host", "evil.example" },
        { "X-Forwarded-Host", "evil.example" },
        { "X-Forwarded-Proto", "https" },
    };

    [Theory]
    [MemberData(nameof(ForgedHeaders))]
    public async Task ForgedHostHeaders_OnReset_SignUp_And_Invitation_NeverReachALink(string header, string value)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        var owner = await portal.RegisterTenantAsync("Target");
        using var forged = portal.CreateClient();
        forged.DefaultRequestHeaders.TryAddWithoutValidation(header, value);
        using var admin = await portal.LoginAsync(owner.Email);
        admin.DefaultRequestHeaders.TryAddWithoutValidation(header, value);

        Assert.Equal(HttpStatusCode.Accepted, (await forged.PostAsJsonAsync(U("/api/v1/auth/forgot-password"), new { email = owner.Email })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await forged.PostAsJsonAsync(U("/api/v1/auth/register"),
            new { email = "victim@example.test", password = PortalWebFactory.DefaultPassword, tenantName = "Victim" })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await forged.PostAsJsonAsync(U("/api/v1/auth/register"),
            new { email = owner.Email, password = PortalWebFactory.DefaultPassword, tenantName = "Again" })).StatusCode);
        await PortalWebFactory.InviteAsync(admin, "invitee@example.test");

        ReceivedMail[] mails =
        [
            await portal.Mail.WaitForAsync(owner.Email, "Reset your SdPortal password"),
            await portal.Mail.WaitForAsync("victim@example.test", PortalWebFactory.ConfirmationSubject),
            await portal.Mail.WaitForAsync(owner.Email, "Someone tried to sign up"),
            await portal.Mail.WaitForAsync("invitee@example.test", "You are invited"),
        ];
        var links = mails.SelectMany(m => m.Links).ToList();
        var foreign = links.Count(l => !l.StartsWith(PublicBase, StringComparison.Ordinal));

        output.WriteLine($"R28 ({header}: {value}): links to a foreign host = {foreign} of {links.Count} in {mails.Length} messages");
        Assert.All(mails, m => Assert.NotEmpty(m.Links));
        Assert.Equal(0, foreign);
        Assert.DoesNotContain(links, l => l.Contains("evil", StringComparison.Ordinal) || l.StartsWith("https:", StringComparison.Ordinal));
    }
}
