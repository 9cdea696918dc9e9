using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Data.Entities;
using SdPortal.Data.Tenancy;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Data;

/// <summary>R17: work outside a request (jobs) sees only the tenant it was given, and nothing without one.</summary>
public sealed class BackgroundTenantScopeTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task JobScope_ForTenantA_ReadsOnlyA_AndAScopeWithoutTenantFailsClosed(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var data = await DataHost.StartAsync(database);
        var user = new PortalUser { UserName = "u@example.test", Email = "u@example.test" };
        await data.WithContextAsync(null, db => { db.Add(user); return db.SaveChangesAsync(); });
        var tenantA = await data.CreateTenantAsync("a");
        var tenantB = await data.CreateTenantAsync("b");
        var jobOfB = TenantOwnedSamples.Job(user.Id, tenantB);
        await data.WithContextAsync(tenantB, db => { db.Add(jobOfB); return db.SaveChangesAsync(); });
        var scopes = data.Services.GetRequiredService<IServiceScopeFactory>();

        // A job given tenant A's id looks up B's job by id.
        int leaks;
        await using (var jobScope = scopes.CreateTenantScope(tenantA))
        {
            var db = jobScope.ServiceProvider.GetRequiredService<PortalDbContext>();
            leaks = await db.GenerationJobs.CountAsync(j => j.Id == jobOfB.Id) + await db.GenerationJobs.CountAsync();
        }

        // A job that never set a tenant: reads nothing, and its write throws before reaching the database.
        await using var noTenant = scopes.CreateAsyncScope();
        var unscoped = noTenant.ServiceProvider.GetRequiredService<PortalDbContext>();
        leaks += await unscoped.GenerationJobs.CountAsync();
        unscoped.GenerationJobs.Add(TenantOwnedSamples.Job(user.Id, tenantA));
        await Assert.ThrowsAsync<TenantIsolationException>(() => unscoped.SaveChangesAsync());
        var writes = await data.WithContextAsync(null, db => db.GenerationJobs.IgnoreQueryFilters().CountAsync()) - 1;

        output.WriteLine($"R17 [{provider}] leaks = {leaks}; no-tenant job: exception thrown, writes = {writes}");
        Assert.Equal((0, 0), (leaks, writes));
    }
}
