using System.Reflection;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Entities;
using SdPortal.Data.Tenancy;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Data;

/// <summary>R15 over every tenant-owned entity in the EF model, found by reflection.</summary>
public sealed class TenantOwnedEntitiesIsolationTests(ITestOutputHelper output)
{
    private static readonly MethodInfo ProveMethod = typeof(TenantOwnedEntitiesIsolationTests)
        .GetMethod(nameof(ProveIsolatedAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EveryTenantOwnedEntity_IsInvisibleAndImmutableForAnotherTenant(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var data = await DataHost.StartAsync(database);
        var (tenantA, tenantB, seed) = await SeedAsync(data);
        var types = await data.WithContextAsync(null, db => Task.FromResult(TenantOwnedTypes(db.Model)));

        var totals = new IsolationTally();
        foreach (var type in types)
        {
            Assert.True(TenantOwnedSamples.ByType.ContainsKey(type), $"{type.Name} has no sample in TenantOwnedSamples");
            var tally = await (Task<IsolationTally>)ProveMethod.MakeGenericMethod(type).Invoke(null, [data, tenantA, tenantB, seed])!;
            output.WriteLine($"{type.Name}: rows leaked = {tally.RowsLeaked}, writes succeeded = {tally.WritesSucceeded} of {tally.Attempts}");
            totals = totals.Add(tally);
        }

        output.WriteLine($"R15 [{provider}] {types.Count} tenant-owned entity types: rows leaked = {totals.RowsLeaked}, " +
                         $"writes succeeded = {totals.WritesSucceeded} of {totals.Attempts} attempted");
        Assert.True(types.Count >= 8, $"only {types.Count} tenant-owned types found");
        Assert.Equal((0, 0), (totals.RowsLeaked, totals.WritesSucceeded));
    }

    [Fact]
    public async Task EveryEntityWithATenantId_IsTenantOwnedAndHasTheTenantFilter()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var data = await DataHost.StartAsync(database);

        var (withTenantId, covered, uncovered) = await data.WithContextAsync(null, db =>
        {
            var all = db.Model.GetEntityTypes().Where(e => e.FindProperty(nameof(ITenantOwned.TenantId)) is not null).ToList();
            var ok = all.Where(e => typeof(ITenantOwned).IsAssignableFrom(e.ClrType)
                                    && e.FindDeclaredQueryFilter(TenantIsolation.FilterName) is not null).ToList();
            return Task.FromResult((all.Count, ok.Count, string.Join(", ", all.Except(ok).Select(e => e.ClrType.Name))));
        });

        output.WriteLine($"R15 entity coverage = {covered}/{withTenantId} = {100.0 * covered / withTenantId:F0} %");
        Assert.True(withTenantId >= 8);
        Assert.True(covered == withTenantId, $"not isolated: {uncovered}");
    }

    private static List<Type> TenantOwnedTypes(Microsoft.EntityFrameworkCore.Metadata.IModel model) =>
        [.. model.GetEntityTypes().Select(e => e.ClrType).Where(typeof(ITenantOwned).IsAssignableFrom).OrderBy(t => t.Name)];

    private static async Task<IsolationTally> ProveIsolatedAsync<T>(DataHost data, Guid tenantA, Guid tenantB, TenantOwnedSamples.Seed seed)
        where T : class, ITenantOwned
    {
        var make = TenantOwnedSamples.ByType[typeof(T)];
        var row = (T)make(seed, tenantA);
        var key = await data.WithContextAsync(tenantA, async db =>
        {
            db.Add(row);
            await db.SaveChangesAsync();
            return db.Entry(row).Metadata.FindPrimaryKey()!.Properties.Select(p => db.Entry(row).Property(p.Name).CurrentValue).ToArray();
        });

        var baseline = await data.WithContextAsync(tenantA, db => db.Set<T>().CountAsync());
        var tally = new IsolationTally();
        tally.RowsLeaked += await data.WithContextAsync(tenantB, async db =>
            await db.Set<T>().CountAsync() + (await db.FindAsync<T>(key) is null ? 0 : 1));
        tally.RowsLeaked += await data.WithContextAsync(null, async db =>
            await db.Set<T>().CountAsync() + (await db.FindAsync<T>(key) is null ? 0 : 1));

        // Writes as B on A's row: tracked update, tracked delete, and the bulk paths that bypass the change tracker.
        await tally.TryWriteAsync(() => data.WithContextAsync(tenantB, db => { db.Update(row); return db.SaveChangesAsync(); }));
        await tally.TryWriteAsync(() => data.WithContextAsync(tenantB, db => { db.Remove(row); return db.SaveChangesAsync(); }));
        await tally.TryWriteAsync(() => data.WithContextAsync(tenantB, db => db.Set<T>()
            .ExecuteUpdateAsync(s => s.SetProperty(e => EF.Property<Guid>(e, nameof(ITenantOwned.TenantId)), tenantB))));
        await tally.TryWriteAsync(() => data.WithContextAsync(tenantB, db => db.Set<T>().ExecuteDeleteAsync()));
        // A row stamped with B's tenant, saved while acting as A.
        await tally.TryWriteAsync(() => data.WithContextAsync(tenantA, db => { db.Add(make(seed, tenantB)); return db.SaveChangesAsync(); }));

        var survivors = await data.WithContextAsync(tenantA, db => db.Set<T>().CountAsync());
        var inB = await data.WithContextAsync(tenantB, db => db.Set<T>().IgnoreQueryFilters().CountAsync(e => e.TenantId == tenantB));
        tally.WritesSucceeded += (survivors == baseline ? 0 : 1) + inB;
        return tally;
    }

    private static async Task<(Guid A, Guid B, TenantOwnedSamples.Seed Seed)> SeedAsync(DataHost data)
    {
        var user = new PortalUser { UserName = "u@example.test", Email = "u@example.test" };
        var a = new Tenant { Name = "A", Slug = "tenant-a", CreatedAtUtc = DateTime.UtcNow };
        var b = new Tenant { Name = "B", Slug = "tenant-b", CreatedAtUtc = DateTime.UtcNow };
        await data.WithContextAsync(null, db => { db.AddRange(user, a, b); return db.SaveChangesAsync(); });
        var job = TenantOwnedSamples.Job(user.Id, a.Id);
        await data.WithContextAsync(a.Id, db => { db.Add(job); return db.SaveChangesAsync(); });
        return (a.Id, b.Id, new TenantOwnedSamples.Seed(user.Id, job.Id));
    }

    private sealed class IsolationTally
    {
        public int RowsLeaked { get; set; }

        public int WritesSucceeded { get; set; }

        public int Attempts { get; private set; }

        public IsolationTally Add(IsolationTally other) => new()
        {
            RowsLeaked = RowsLeaked + other.RowsLeaked,
            WritesSucceeded = WritesSucceeded + other.WritesSucceeded,
            Attempts = Attempts + other.Attempts,
        };

        /// <summary>A write counts as succeeded when it neither threw a tenant exception nor affected zero rows.</summary>
        public async Task TryWriteAsync(Func<Task<int>> write)
        {
            Attempts++;
            try
            {
                WritesSucceeded += await write() > 0 ? 1 : 0;
            }
            catch (TenantIsolationException)
            {
            }
        }
    }
}
