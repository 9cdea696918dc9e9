using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Data.Entities;
using SdPortal.Tests.Support;
using Xunit.Abstractions;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Browser;

/// <summary>
/// R21 with an open circuit: the member's Create page is live in Chromium when they lose access; their very next
/// Generate click is refused with a message and creates no job, without waiting for any revalidation interval.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class RevocationBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string Operator = "ops@example.test";

    public enum Revocation
    {
        /// <summary>An operator suspends the tenant through the admin API.</summary>
        TenantSuspended,

        /// <summary>The user is disabled (no API disables a user yet; the account flag is set as an administrator's tool would).</summary>
        UserDisabled,
    }

    [Theory]
    [InlineData(Revocation.TenantSuspended, "This tenant is suspended.")]
    [InlineData(Revocation.UserDisabled, "Your session has ended: please sign in again.")]
    public async Task RevokedWhileCreateIsOpen_TheVeryNextGenerateIsRefused(Revocation revocation, string message)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        // No worker: an accepted job would stay queued and show, so a job slipping through cannot go unnoticed.
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(more:
            [("Jobs:RunInferenceInProcess", "false"), ("Portal:Operators:0", Operator)]));
        portal.StartOnKestrel();
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Revoked Studio");
        var (memberId, memberApi) = await portal.AddMemberAsync(owner, "member@revoked.test");
        memberApi.Dispose();
        await using var session = await browser.Browser.NewContextAsync();
        var page = await session.NewPageAsync();
        await page.SignInAsync(portal, "member@revoked.test", PortalWebFactory.DefaultPassword);
        await page.GotoInteractiveAsync(portal, "/create");
        await page.FillAsync("#prompt", "a quiet harbour at night");
        await Assertions.Expect(page.Locator("#generate")).ToBeEnabledAsync();

        await RevokeAsync(portal, revocation, tenant.TenantId, memberId);
        await page.ClickAsync("#generate");

        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync(message);
        var jobs = await portal.JobCountAsync(tenant.TenantId);
        var reservations = await portal.LedgerEntriesAsync(tenant.TenantId, CreditEntryKind.Reserve);
        var operationsUntilRejection = jobs + 1;
        output.WriteLine($"R21 circuit [{revocation}]: operations until rejection = {operationsUntilRejection} (target 1); " +
                         $"jobs created = {jobs}, reservations = {reservations}; message \"{message}\"");
        Assert.Equal((0, 0), (jobs, reservations));
        await Assertions.Expect(page.Locator("#job-card")).ToHaveCountAsync(0);
    }

    private static async Task RevokeAsync(PortalWebFactory portal, Revocation revocation, Guid tenantId, Guid memberId)
    {
        if (revocation == Revocation.TenantSuspended)
        {
            await portal.RegisterTenantAsync("Ops", Operator);
            using var ops = await portal.LoginAsync(Operator);
            var suspended = await ops.PutAsJsonAsync(U($"/api/v1/admin/tenants/{tenantId}/status"), new { status = "Suspended" }, PortalWebFactory.Json);
            Assert.Equal(HttpStatusCode.NoContent, suspended.StatusCode);
            return;
        }

        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = (await users.FindByIdAsync(memberId.ToString()))!;
        user.IsDisabled = true;
        Assert.True((await users.UpdateAsync(user)).Succeeded);
    }
}
