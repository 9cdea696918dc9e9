using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Credits;

public sealed class CreditLedgerTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Reserve_WhenBalanceCovers_DecrementsOnce_AndRepeatingTheKeyIsANoOp(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var data = await DataHost.StartAsync(database);
        var tenant = await data.CreateTenantAsync("t", credits: 10);
        var job = Guid.NewGuid();

        var first = await data.WithLedgerAsync(l => l.ReserveAsync(tenant, job, 4, "reserve-1"));
        var second = await data.WithLedgerAsync(l => l.ReserveAsync(tenant, job, 4, "reserve-1"));

        Assert.Equal(CreditOutcome.Applied, first.Outcome);
        Assert.Equal((CreditOutcome.Replayed, first.EntryId, -4L), (second.Outcome, second.EntryId, second.Amount));
        Assert.Equal((6L, 6L), await data.ReadBalanceAndLedgerSumAsync(tenant));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Reserve_WhenBalanceTooLow_RejectsAndWritesNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var data = await DataHost.StartAsync(database);
        var tenant = await data.CreateTenantAsync("t", credits: 3);

        var result = await data.WithLedgerAsync(l => l.ReserveAsync(tenant, Guid.NewGuid(), 4, "too-much"));

        Assert.Equal(CreditOutcome.InsufficientCredits, result.Outcome);
        Assert.Equal((3L, 3L), await data.ReadBalanceAndLedgerSumAsync(tenant));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Capture_IsExactlyOnce_AndReleaseAfterCaptureIsRejected(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var data = await DataHost.StartAsync(database);
        var tenant = await data.CreateTenantAsync("t", credits: 10);
        var job = Guid.NewGuid();
        await data.WithLedgerAsync(l => l.ReserveAsync(tenant, job, 5, "r"));

        var capture = await data.WithLedgerAsync(l => l.CaptureAsync(tenant, job));
        var again = await data.WithLedgerAsync(l => l.CaptureAsync(tenant, job));
        var release = await data.WithLedgerAsync(l => l.ReleaseAsync(tenant, job));

        Assert.Equal(CreditOutcome.Applied, capture.Outcome);
        Assert.Equal((CreditOutcome.Replayed, capture.EntryId), (again.Outcome, again.EntryId));
        Assert.Equal((CreditOutcome.Conflict, CreditEntryKind.Capture), (release.Outcome, release.Kind));
        Assert.Equal((5L, 5L), await data.ReadBalanceAndLedgerSumAsync(tenant));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Release_ReturnsTheReservationOnce_AndCaptureAfterReleaseIsRejected(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var data = await DataHost.StartAsync(database);
        var tenant = await data.CreateTenantAsync("t", credits: 10);
        var job = Guid.NewGuid();
        await data.WithLedgerAsync(l => l.ReserveAsync(tenant, job, 5, "r"));

        var releases = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => data.WithLedgerAsync(l => l.ReleaseAsync(tenant, job))));
        var capture = await data.WithLedgerAsync(l => l.CaptureAsync(tenant, job));

        Assert.Equal(1, releases.Count(r => r.Outcome == CreditOutcome.Applied));
        Assert.Equal(9, releases.Count(r => r.Outcome == CreditOutcome.Replayed));
        Assert.Equal(CreditOutcome.Conflict, capture.Outcome);
        Assert.Equal((10L, 10L), await data.ReadBalanceAndLedgerSumAsync(tenant));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Settle_WithoutReservation_IsRejectedAsNotReserved(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var data = await DataHost.StartAsync(database);
        var tenant = await data.CreateTenantAsync("t", credits: 10);

        var capture = await data.WithLedgerAsync(l => l.CaptureAsync(tenant, Guid.NewGuid()));
        var release = await data.WithLedgerAsync(l => l.ReleaseAsync(tenant, Guid.NewGuid()));

        Assert.Equal((CreditOutcome.NotReserved, CreditOutcome.NotReserved), (capture.Outcome, release.Outcome));
        Assert.Equal((10L, 10L), await data.ReadBalanceAndLedgerSumAsync(tenant));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Grant_SentTwentyTimesConcurrentlyWithOneKey_CreditsOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var data = await DataHost.StartAsync(database);
        var tenant = await data.CreateTenantAsync("t");

        var results = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => data.WithLedgerAsync(l => l.GrantAsync(tenant, 500, "evt_pack_1", "credit pack"))));

        Assert.Equal(1, results.Count(r => r.Outcome == CreditOutcome.Applied));
        Assert.All(results, r => Assert.Equal(results[0].EntryId, r.EntryId));
        Assert.Equal((500L, 500L), await data.ReadBalanceAndLedgerSumAsync(tenant));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Adjust_BelowZero_IsRejected_ButWithinBalanceApplies(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var data = await DataHost.StartAsync(database);
        var tenant = await data.CreateTenantAsync("t", credits: 10);

        var tooMuch = await data.WithLedgerAsync(l => l.AdjustAsync(tenant, -11, "adj-1", "correction"));
        var fine = await data.WithLedgerAsync(l => l.AdjustAsync(tenant, -7, "adj-2", "correction"));

        Assert.Equal((CreditOutcome.InsufficientCredits, CreditOutcome.Applied), (tooMuch.Outcome, fine.Outcome));
        Assert.Equal((3L, 3L), await data.ReadBalanceAndLedgerSumAsync(tenant));
    }
}
