using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Entities;
using SdPortal.Data.Tenancy;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Data;

public sealed class TenantIsolationTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Membership_WrittenAsTenantA_IsInvisibleAndImmutableForTenantB(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database);
        var (tenantA, tenantB, userId) = await SeedTwoTenantsAsync(portal);

        var membershipId = await portal.WithContextAsync(tenantA, async db =>
        {
            var membership = new TenantMembership { UserId = userId, Role = TenantRole.Owner };
            db.Memberships.Add(membership);
            await db.SaveChangesAsync();
            return membership.Id;
        });

        var seenByA = await portal.WithContextAsync(tenantA, db => db.Memberships.CountAsync());
        var seenByB = await portal.WithContextAsync(tenantB, db => db.Memberships.CountAsync());
        var seenByNone = await portal.WithContextAsync(null, db => db.Memberships.CountAsync());
        Assert.Equal((1, 0, 0), (seenByA, seenByB, seenByNone));

        // B attaching A's row by id and updating it must fail before anything reaches the database.
        await Assert.ThrowsAsync<TenantIsolationException>(() => portal.WithContextAsync(tenantB, async db =>
        {
            db.Memberships.Attach(new TenantMembership { Id = membershipId, TenantId = tenantA, UserId = userId }).State = EntityState.Modified;
            return await db.SaveChangesAsync();
        }));
        await Assert.ThrowsAsync<TenantIsolationException>(() => portal.WithContextAsync(tenantB, async db =>
        {
            db.Memberships.Remove(new TenantMembership { Id = membershipId, TenantId = tenantA, UserId = userId });
            return await db.SaveChangesAsync();
        }));

        var role = await portal.WithContextAsync(tenantA, db => db.Memberships.Select(m => m.Role).SingleAsync());
        Assert.Equal(TenantRole.Owner, role);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Save_WithoutTenant_FailsClosedAndWritesNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database);
        var (tenantA, _, userId) = await SeedTwoTenantsAsync(portal);

        await Assert.ThrowsAsync<TenantIsolationException>(() => portal.WithContextAsync(null, async db =>
        {
            db.Memberships.Add(new TenantMembership { TenantId = tenantA, UserId = userId });
            return await db.SaveChangesAsync();
        }));

        var count = await portal.WithContextAsync(tenantA, db => db.Memberships.CountAsync());
        Assert.Equal(0, count);
    }

    private static async Task<(Guid TenantA, Guid TenantB, Guid UserId)> SeedTwoTenantsAsync(PortalWebFactory portal) =>
        await portal.WithContextAsync(null, async db =>
        {
            var a = new Tenant { Name = "A", Slug = "tenant-a", CreatedAtUtc = DateTime.UtcNow };
            var b = new Tenant { Name = "B", Slug = "tenant-b", CreatedAtUtc = DateTime.UtcNow };
            var user = new PortalUser { UserName = "u@example.test", Email = "u@example.test" };
            db.AddRange(a, b, user);
            await db.SaveChangesAsync();
            return (a.Id, b.Id, user.Id);
        });
}
