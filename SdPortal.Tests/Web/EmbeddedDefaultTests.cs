using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Entities;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Web;

public sealed class EmbeddedDefaultTests
{
    [Fact]
    public async Task SecondStart_WithSameDataDirectory_ReusesTheData()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using (var first = new PortalWebFactory(database))
        {
            await first.WithContextAsync(null, async db =>
            {
                db.Tenants.Add(new Tenant { Name = "Kept", Slug = "kept", CreatedAtUtc = DateTime.UtcNow });
                return await db.SaveChangesAsync();
            });
        }

        await using var second = new PortalWebFactory(database);
        var slugs = await second.WithContextAsync(null, db => db.Tenants.Select(t => t.Slug).ToListAsync());

        Assert.Equal(["kept"], slugs);
        Assert.True(File.Exists(Path.Combine(database.DataDirectory, "portal.db")));
        Assert.True(File.Exists(Path.Combine(database.DataDirectory, "hangfire.db")));
    }
}
