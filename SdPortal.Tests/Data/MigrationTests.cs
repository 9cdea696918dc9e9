using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Data;

public sealed class MigrationTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Migrations_OfEachProvider_MatchTheModelAndAreAllApplied(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database);

        var (pendingModelChanges, pendingMigrations, applied) = await portal.WithContextAsync(null, async db =>
            (db.Database.HasPendingModelChanges(),
             (await db.Database.GetPendingMigrationsAsync()).Count(),
             (await db.Database.GetAppliedMigrationsAsync()).Count()));

        Assert.False(pendingModelChanges, "the model changed without a migration: run dotnet ef migrations add for both contexts");
        Assert.Equal(0, pendingMigrations);
        Assert.True(applied > 0);
    }
}
