using System.Net;
using System.Net.Http.Json;
using System.Web;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Data.Entities;
using SdPortal.Tests.Support;
using SdPortal.Web.Generation;
using Xunit.Abstractions;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Generation;

/// <summary>
/// R29: authorisation holds for the life of a hub connection. An admin's connection, subscribed to the tenant's admin
/// feed, to their own job and to the owner's job, loses each feed the moment a change takes it away; a sign-in that is
/// no longer valid loses the connection.
/// </summary>
public sealed class HubReauthorizationTests(ITestOutputHelper output)
{
    private const string Operator = "ops@example.test";

    public enum AccessChange
    {
        MemberRemoved,
        RoleLowered,
        PasswordReset,
        UserDisabled,
        TenantSuspended,
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EachAccessChange_StopsEveryEventTheConnectionMayNoLongerSee(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(more: ("Portal:Operators:0", Operator)));
        await portal.RegisterTenantAsync("Ops", Operator);
        using var ops = await portal.LoginAsync(Operator);

        var changes = Enum.GetValues<AccessChange>();
        var (received, sent, leakingChanges) = (0, 0, 0);
        foreach (var change in changes)
        {
            var outcome = await RunAsync(portal, ops, change);
            output.WriteLine($"R29 [{provider}] {change}: forbidden events sent after the change {outcome.Sent} (+ a real job's where the tenant is active), " +
                             $"received {outcome.Received}; connection {(outcome.Aborted ? "aborted" : "open")}; still-visible events received {outcome.StillVisible}");
            (received, sent) = (received + outcome.Received, sent + outcome.Sent);
            leakingChanges += outcome.Received > 0 ? 1 : 0;
        }

        output.WriteLine($"R29 [{provider}]: events received after the change = {received} ({leakingChanges} of {changes.Length} changes leaked; " +
                         $"{sent} forbidden synthetic events sent)");
        Assert.Equal(0, received);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ChangesMadeBehindTheNodesBack_AreCaughtByThePeriodicRecheck(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(more: ("Generation:HubReauthorizeSeconds", "1")));
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Elsewhere");
        var ownerJob = await FinishedJobAsync(owner);
        var (removedId, removed) = await portal.AddMemberAsync(owner, "removed@elsewhere.test", "Admin");
        var (staleId, stale) = await portal.AddMemberAsync(owner, "stale@elsewhere.test", "Admin");
        var removedFeed = await WatchAsync(portal, removed, tenant.TenantId, ownerJob);
        var staleFeed = await WatchAsync(portal, stale, tenant.TenantId, ownerJob);

        // As another web node (or an operator's SQL) would: no change tracker, so this node's interceptor sees nothing.
        await portal.WithContextAsync(tenant.TenantId, async db =>
        {
            await db.Memberships.Where(m => m.UserId == removedId).ExecuteDeleteAsync();
            return await db.Users.Where(u => u.Id == staleId).ExecuteUpdateAsync(u => u.SetProperty(x => x.SecurityStamp, Guid.NewGuid().ToString("N")));
        });

        // Bounded polling, no timing assert: events keep coming until a periodic pass (every second here) re-checks.
        var events = portal.Services.GetRequiredService<GenerationEvents>();
        var rounds = 0;
        while (true)
        {
            rounds++;
            removedFeed.Clear();
            await events.ProgressAsync(tenant.TenantId, ownerJob, rounds, 1000, null);
            await removedFeed.FlushAsync();
            if (removedFeed.CountOf(ownerJob) == 0)
            {
                break;
            }

            Assert.True(rounds < 600, "The removed member kept receiving the owner's job events");
            await Task.Delay(50);
        }

        await HubRecorder.EventuallyAsync(() => staleFeed.Connection.State == HubConnectionState.Disconnected, "the stale sign-in's connection closes");
        for (var i = 0; i < 3; i++)
        {
            await events.ProgressAsync(tenant.TenantId, ownerJob, 2000 + i, 3000, null);
        }

        await removedFeed.FlushAsync();
        output.WriteLine($"R29 [{provider}] periodic re-check (1 s, changes made in the database): removed member's feed stopped after {rounds} probe rounds; " +
                         $"events received after that = {removedFeed.CountOf(ownerJob)} of 3; stale-stamp connection {staleFeed.Connection.State}");
        Assert.Equal(0, removedFeed.CountOf(ownerJob));
        Assert.Equal(HubConnectionState.Disconnected, staleFeed.Connection.State);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ABearerTokenOfAnOldSecurityStamp_CannotConnect_AndAnOpenConnectionIsRefusedAtItsNextCall(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Stamped");
        var (memberId, member) = await portal.AddMemberAsync(owner, "member@stamped.test");
        var job = await FinishedJobAsync(member);
        await using var open = await portal.ConnectHubAsync(member, HttpTransportType.WebSockets);
        // One call that succeeds: the server has run its connect-time check, so the refusal below is the per-call one.
        await open.InvokeAsync(nameof(GenerationHub.SubscribeToJob), job);

        // Behind the interceptor's back, so that only the per-call check can catch the open connection.
        await portal.WithContextAsync(tenant.TenantId, db =>
            db.Users.Where(u => u.Id == memberId).ExecuteUpdateAsync(u => u.SetProperty(x => x.SecurityStamp, Guid.NewGuid().ToString("N"))));

        var connect = await Assert.ThrowsAsync<HttpRequestException>(async () => await (await portal.ConnectHubAsync(member)).DisposeAsync());
        var call = await Assert.ThrowsAnyAsync<Exception>(() => open.InvokeAsync(nameof(GenerationHub.UnsubscribeFromJob), job));
        await HubRecorder.EventuallyAsync(() => open.State == HubConnectionState.Disconnected, "the open connection is aborted");
        var rest = await member.GetAsync(U($"/api/v1/generations/{job}"));
        output.WriteLine($"R29 [{provider}] old stamp: negotiate {(int?)connect.StatusCode}; open connection's next call {call.GetType().Name} ({call.Message}), then {open.State}; " +
                         $"REST {(int)rest.StatusCode}; connections accepted = 0 of 2");
        Assert.Equal(HttpStatusCode.Forbidden, connect.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
    }

    private static async Task<Outcome> RunAsync(PortalWebFactory portal, HttpClient ops, AccessChange change)
    {
        var (tenant, owner) = await portal.RegisterAndLoginAsync($"Feed {change}");
        var subjectEmail = $"subject-{change}@feeds.test".ToLowerInvariant();
        var (subjectId, subject) = await portal.AddMemberAsync(owner, subjectEmail, "Admin");
        var ownJob = await FinishedJobAsync(subject);
        var ownerJob = await FinishedJobAsync(owner);
        var feed = await WatchAsync(portal, subject, tenant.TenantId, ownerJob, ownJob);
        var events = portal.Services.GetRequiredService<GenerationEvents>();

        // Before the change every feed delivers, so "nothing after" below is not for want of a working connection.
        await ProduceAsync(events, tenant.TenantId, ownJob, ownerJob, round: 1);
        await feed.FlushAsync();
        Assert.True(feed.CountOf(ownerJob) >= 2 && feed.CountOf(ownJob) >= 1, $"{change}: the subscriptions deliver before the change");
        feed.Clear();

        await ApplyAsync(portal, ops, owner, change, tenant, subjectId, subjectEmail);

        var newJob = change == AccessChange.TenantSuspended ? Guid.Empty : await FinishedJobAsync(owner);
        var sent = 0;
        for (var round = 2; round <= 4; round++)
        {
            sent += await ProduceAsync(events, tenant.TenantId, ownJob, ownerJob, round);
        }

        var aborted = change is AccessChange.PasswordReset or AccessChange.UserDisabled;
        if (aborted)
        {
            await HubRecorder.EventuallyAsync(() => feed.Connection.State == HubConnectionState.Disconnected, $"{change}: the connection is aborted");
        }
        else
        {
            await feed.FlushAsync();
        }

        // A member who was lowered from admin still sees their own job: only the owner's and the tenant feed must stop.
        var forbidden = change == AccessChange.RoleLowered ? new[] { ownerJob, newJob } : [ownJob, ownerJob, newJob];
        var received = feed.CountOf(forbidden);
        var stillVisible = change == AccessChange.RoleLowered ? feed.CountOf(ownJob) : 0;
        if (change == AccessChange.RoleLowered)
        {
            Assert.True(stillVisible > 0, "A lowered admin's connection still receives their own job's events");
            sent -= 3;
        }

        Assert.Equal(aborted ? HubConnectionState.Disconnected : HubConnectionState.Connected, feed.Connection.State);
        await feed.Connection.DisposeAsync();
        return new Outcome(received, sent, aborted, stillVisible);
    }

    private static async Task ApplyAsync(
        PortalWebFactory portal, HttpClient ops, HttpClient owner, AccessChange change, RegisteredTenant tenant, Guid subjectId, string subjectEmail)
    {
        switch (change)
        {
            case AccessChange.MemberRemoved:
                Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(U($"/api/v1/tenant/members/{subjectId}"))).StatusCode);
                break;
            case AccessChange.RoleLowered:
                Assert.Equal(HttpStatusCode.OK, (await owner.PutAsJsonAsync(U($"/api/v1/tenant/members/{subjectId}/role"), new { role = "Member" }, PortalWebFactory.Json)).StatusCode);
                break;
            case AccessChange.PasswordReset:
                using (var anonymous = portal.CreateClient())
                {
                    Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync(U("/api/v1/auth/forgot-password"), new { email = subjectEmail }, PortalWebFactory.Json)).StatusCode);
                    var link = (await portal.Mail.WaitForAsync(subjectEmail, "Reset")).LinkTo("/account/reset-password");
                    var code = HttpUtility.ParseQueryString(new Uri(link).Query)["code"];
                    var reset = await anonymous.PostAsJsonAsync(U("/api/v1/auth/reset-password"),
                        new { email = subjectEmail, code, newPassword = "another-horse-43" }, PortalWebFactory.Json);
                    Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
                }

                break;
            case AccessChange.UserDisabled:
                await using (var scope = portal.Services.CreateAsyncScope())
                {
                    var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
                    var user = (await users.FindByIdAsync(subjectId.ToString()))!;
                    user.IsDisabled = true;
                    Assert.True((await users.UpdateAsync(user)).Succeeded);
                }

                break;
            case AccessChange.TenantSuspended:
                Assert.Equal(HttpStatusCode.NoContent,
                    (await ops.PutAsJsonAsync(U($"/api/v1/admin/tenants/{tenant.TenantId}/status"), new { status = "Suspended" }, PortalWebFactory.Json)).StatusCode);
                break;
        }
    }

    /// <summary>One event of each stream the connection watched; answers how many went to the connection's feeds.</summary>
    private static async Task<int> ProduceAsync(GenerationEvents events, Guid tenantId, Guid ownJob, Guid ownerJob, int round)
    {
        await events.ProgressAsync(tenantId, ownerJob, round, 1000, null);
        await events.QueuedAsync(tenantId, ownerJob, new QueueSpot(round, 0));
        await events.ProgressAsync(tenantId, ownJob, round, 1000, null);
        return 3;
    }

    private static async Task<HubRecorder> WatchAsync(PortalWebFactory portal, HttpClient client, Guid tenantId, params Guid[] jobs)
    {
        // WebSockets: one request for the connection's life, so only the server's re-check can end what it receives.
        var recorder = new HubRecorder(portal, await portal.ConnectHubAsync(client, HttpTransportType.WebSockets));
        await recorder.Connection.InvokeAsync(nameof(GenerationHub.SubscribeToTenant), tenantId);
        foreach (var job in jobs)
        {
            await recorder.Connection.InvokeAsync(nameof(GenerationHub.SubscribeToJob), job);
        }

        return recorder;
    }

    private static async Task<Guid> FinishedJobAsync(HttpClient client)
    {
        var id = await PortalWebFactory.SubmitAcceptedAsync(client);
        await PortalWebFactory.WaitForStatusAsync(client, id, "succeeded");
        return id;
    }

    private sealed record Outcome(int Received, int Sent, bool Aborted, int StillVisible);
}
