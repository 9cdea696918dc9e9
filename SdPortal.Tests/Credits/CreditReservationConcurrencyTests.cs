using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Credits;

/// <summary>R8: the quota is never overspent, whatever runs concurrently.</summary>
public sealed class CreditReservationConcurrencyTests(ITestOutputHelper output)
{
    private const int Rounds = 100;
    private const int Requests = 50;
    private const long Quota = 10;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task FiftyConcurrentReservations_AgainstTen_AcceptExactlyTenEveryRound(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var data = await DataHost.StartAsync(database);
        int maxAccepted = 0, minAccepted = int.MaxValue, mismatches = 0, errors = 0;
        long minBalance = long.MaxValue;

        for (var round = 0; round < Rounds; round++)
        {
            var tenant = await data.CreateTenantAsync($"round-{round}", Quota);
            // Each request gets its own scope, hence its own context and connection.
            var results = await Task.WhenAll(Enumerable.Range(0, Requests).Select(i => Task.Run(async () =>
            {
                try
                {
                    return await data.WithLedgerAsync(l => l.ReserveAsync(tenant, Guid.NewGuid(), 1, $"req-{i}"));
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Interlocked.Increment(ref errors);
                    output.WriteLine($"round {round} request {i}: {ex.GetType().Name}: {ex.Message}");
                    return new CreditResult(CreditOutcome.Conflict);
                }
            })));

            var accepted = results.Count(r => r.Outcome == CreditOutcome.Applied);
            var (balance, ledgerSum) = await data.ReadBalanceAndLedgerSumAsync(tenant);
            maxAccepted = Math.Max(maxAccepted, accepted);
            minAccepted = Math.Min(minAccepted, accepted);
            minBalance = Math.Min(minBalance, balance);
            mismatches += balance == ledgerSum ? 0 : 1;
        }

        output.WriteLine($"R8 [{provider}] {Rounds} rounds x {Requests} concurrent reservations of 1 against {Quota}: " +
                         $"max accepted = {maxAccepted} (min {minAccepted}), min balance = {minBalance}, " +
                         $"ledger-vs-balance mismatches = {mismatches}, errors = {errors}");
        Assert.Equal((Quota, Quota), ((long)maxAccepted, (long)minAccepted));
        Assert.Equal(0, minBalance);
        Assert.Equal((0, 0), (mismatches, errors));
    }
}
