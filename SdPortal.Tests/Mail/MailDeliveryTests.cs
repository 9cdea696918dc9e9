using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SdPortal.Data;
using SdPortal.Tests.Support;
using Xunit.Abstractions;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Mail;

/// <summary>Issue 13 item 6: mail goes over real SMTP (MailKit to a test server), off the request, with bounded retries.</summary>
public sealed class MailDeliveryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PasswordReset_IsDeliveredOverSmtp_WithSenderRecipientSubjectAndAWorkingLinkInBothBodies()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        var owner = await portal.RegisterTenantAsync("Postbox");
        using var client = portal.CreateClient();

        var requested = await client.PostAsJsonAsync(U("/api/v1/auth/forgot-password"), new { email = owner.Email });
        var mail = await portal.Mail.WaitForAsync(owner.Email, "Reset your SdPortal password");
        var link = mail.LinkTo("/account/reset-password");
        var code = System.Web.HttpUtility.ParseQueryString(new Uri(link).Query)["code"];
        var reset = await client.PostAsJsonAsync(U("/api/v1/auth/reset-password"),
            new { email = owner.Email, code, newPassword = "a-mailed-new-password-7" });

        output.WriteLine($"SMTP: from {mail.From} to {string.Join(",", mail.To)}, \"{mail.Subject}\", link {link[..60]}…; reset answered {(int)reset.StatusCode}");
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        Assert.Equal("no-reply@sdportal.test", mail.From);
        Assert.Equal([owner.Email], mail.To);
        Assert.StartsWith($"http://localhost/account/reset-password?email={Uri.EscapeDataString(owner.Email)}&code=", link, StringComparison.Ordinal);
        Assert.Contains(link, mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{WebUtility.HtmlEncode(link)}\"", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
    }

    [Fact]
    public async Task SmtpServerDownAtFirst_TheRequestIsAnsweredWithoutIt_AndTheMessageArrivesOnARetry_WithNoLinkInTheLog()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var logs = new CapturedLogs();
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Email:MaxAttempts"] = "10", ["Email:RetryDelayMilliseconds"] = "200" })
        {
            StartMailServer = false,
            TestServices = s => s.AddSingleton<ILoggerProvider>(logs),
        };
        const string email = "patient@example.test";

        // Answered while nothing listens on the mail port: the request only queued the message.
        var registered = await portal.PostRegisterAsync(email, PortalWebFactory.DefaultPassword, "Patient");
        await logs.WaitForAsync("Mail try 1 failed", TimeSpan.FromSeconds(30));
        await portal.Mail.ListenAsync();
        var mail = await portal.Mail.WaitForAsync(email, PortalWebFactory.ConfirmationSubject);
        var delivered = await logs.WaitForAsync("Mail delivered: email-confirmation", TimeSpan.FromSeconds(30));
        var failures = logs.Lines.Count(l => l.Message.StartsWith("Mail try", StringComparison.Ordinal));

        var code = System.Web.HttpUtility.ParseQueryString(new Uri(mail.LinkTo("/account/confirm-email")).Query)["code"]!;
        output.WriteLine($"SMTP down: sign-up answered {(int)registered.StatusCode} before the server listened; {failures} failed tries logged; then \"{delivered}\"");
        Assert.Equal(HttpStatusCode.Accepted, registered.StatusCode);
        Assert.True(failures >= 1);
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains(code, StringComparison.Ordinal) || l.Message.Contains("/account/confirm-email", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SmtpServerNeverUp_TheMessageIsGivenUpAfterTheBoundedTries_AndThatIsLogged()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var logs = new CapturedLogs();
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Email:MaxAttempts"] = "3", ["Email:RetryDelayMilliseconds"] = "50" })
        {
            StartMailServer = false,
            TestServices = s => s.AddSingleton<ILoggerProvider>(logs),
        };

        var registered = await portal.PostRegisterAsync("lost@example.test", PortalWebFactory.DefaultPassword, "Lost");
        var givenUp = await logs.WaitForAsync("Mail given up after 3 tries: email-confirmation for lost@example.test", TimeSpan.FromSeconds(30));
        var tries = logs.Lines.Count(l => l.Message.StartsWith("Mail try", StringComparison.Ordinal));

        output.WriteLine($"SMTP never up: sign-up answered {(int)registered.StatusCode}; {tries} retries logged, then \"{givenUp}\"");
        Assert.Equal(HttpStatusCode.Accepted, registered.StatusCode);
        Assert.Equal(2, tries);
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Error && l.Message == givenUp);
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains("/account/confirm-email", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LogDelivery_OutsideDevelopment_WarnsAtStart_AndWritesTheLinkToTheLogInsteadOfMailing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var logs = new CapturedLogs();
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Email:Delivery"] = "Log" })
        {
            TestServices = s => s.AddSingleton<ILoggerProvider>(logs),
        };

        var registered = await portal.PostRegisterAsync("solo@example.test", PortalWebFactory.DefaultPassword, "Solo");
        var warning = await logs.WaitForAsync("Email:Delivery is Log in Testing", TimeSpan.FromSeconds(30));
        var logged = await logs.WaitForAsync("email-confirmation for solo@example.test", TimeSpan.FromSeconds(30));

        output.WriteLine($"Log delivery: start warning \"{warning}\"; logged link {logged[logged.IndexOf("http", StringComparison.Ordinal)..][..60]}…");
        Assert.Equal(HttpStatusCode.Accepted, registered.StatusCode);
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Message == warning);
        Assert.Contains("http://localhost/account/confirm-email?userId=", logged, StringComparison.Ordinal);
        Assert.Empty(portal.Mail.Received);
    }

    [Theory]
    [InlineData("Email:Delivery", "Carrier", "Email:Delivery")]
    [InlineData("Email:Smtp:Host", "", "Email:Smtp:Host")]
    [InlineData("Email:From", "", "Email:From")]
    [InlineData("Email:Smtp:Port", "70000", "Email:Smtp:Port")]
    [InlineData("Email:Smtp:Security", "Sometimes", "Email:Smtp:Security")]
    public async Task EmailSettings_AreValidatedAtStart_AndTheErrorNamesTheKey(string key, string value, string named)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { [key] = value });

        var error = Record.Exception(() => portal.CreateClient());

        output.WriteLine($"{key} = '{value}': {error?.GetType().Name}: {error?.Message}");
        Assert.NotNull(error);
        Assert.Contains(named, error.ToString(), StringComparison.Ordinal);
    }
}
