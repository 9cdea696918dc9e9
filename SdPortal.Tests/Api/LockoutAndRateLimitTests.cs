using System.Net;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Api;

/// <summary>R19: lockout after exactly five failures, and per-IP limits against credential stuffing.</summary>
public sealed class LockoutAndRateLimitTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Login_AfterExactlyFiveFailures_IsLockedForFiveMinutes(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database);
        var four = await portal.RegisterTenantAsync("Four");
        var five = await portal.RegisterTenantAsync("Five");

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await portal.TryLoginAsync(four.Email, "wrong-password-1")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await portal.TryLoginAsync(five.Email, "wrong-password-1")).StatusCode);
        }

        var afterFour = await portal.TryLoginAsync(four.Email, four.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, (await portal.TryLoginAsync(five.Email, "wrong-password-1")).StatusCode);
        var afterFive = await portal.TryLoginAsync(five.Email, five.Password);
        var lockoutEnd = await portal.WithContextAsync(null, db => db.Users.Where(u => u.Id == five.UserId).Select(u => u.LockoutEnd).SingleAsync());
        var lockFor = lockoutEnd!.Value - DateTimeOffset.UtcNow;

        output.WriteLine($"R19 [{provider}] correct password after 4 failures: {(int)afterFour.StatusCode}; after 5: {(int)afterFive.StatusCode}; " +
                         $"locked for ≈ {lockFor.TotalMinutes:F1} min");
        Assert.Equal(HttpStatusCode.OK, afterFour.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterFive.StatusCode);
        Assert.InRange(lockFor.TotalMinutes, 4.5, 5.0);
    }

    [Fact]
    public async Task Login_HundredAttemptsOverTwentyAccountsFromOneIp_AreCutOffWith429AndRetryAfter()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        var statuses = new List<HttpStatusCode>();
        var retryAfter = new List<int>();

        for (var i = 0; i < 100; i++)
        {
            var response = await portal.TryLoginAsync($"victim{i % 20}@example.test", "Summer2024!");
            statuses.Add(response.StatusCode);
            if (response.Headers.RetryAfter?.Delta is { } delta)
            {
                retryAfter.Add((int)delta.TotalSeconds);
            }
        }

        var rejected = statuses.Count(s => s == HttpStatusCode.TooManyRequests);
        output.WriteLine($"R19 100 attempts over 20 accounts from one IP: per-IP rejections (429) = {rejected}, " +
                         $"Retry-After = {retryAfter.DefaultIfEmpty().Max()} s, passed to the password check = {100 - rejected}");
        Assert.All(statuses.Take(20), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.All(statuses.Skip(20), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        Assert.Equal(80, retryAfter.Count);
        Assert.All(retryAfter, s => Assert.InRange(s, 1, 60));
    }
}
