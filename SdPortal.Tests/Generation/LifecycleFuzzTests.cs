using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Data.Generation;
using SdPortal.Inference.Jobs;
using SdPortal.Inference.Pipeline;
using SdPortal.Tests.Support;
using SdPortal.Web.Generation;
using Xunit.Abstractions;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Generation;

/// <summary>
/// The job lifecycle under random interleavings (issue 12), against the portal's real services and database: workers
/// start, report, renew, complete, fail, cancel and hand back; owners cancel; workers die (their leases lapse as the
/// clock jumps) and come back as zombies; sweeps run — sequentially and in concurrent bursts. After every run the
/// invariants are checked: every job terminal or held by a live lease (or waiting), exactly one settlement per ended
/// job and none for an open one, ledger = balance, and no credits held by a terminal job.
/// </summary>
public sealed class LifecycleFuzzTests(ITestOutputHelper output)
{
    private const int Runs = 12;
    private const int JobsPerRun = 6;
    private const int OpsPerRun = 80;
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RandomInterleavings_KeepEveryInvariant(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new SteppingClock(DateTimeOffset.UtcNow);
        // No worker in the process: this test is every worker. Lease 60 s on a clock it moves itself.
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(more:
            [
                ("Jobs:RunInferenceInProcess", "false"), ("Generation:MaxOutstandingJobsPerTenant", "1000"), ("Generation:SubmitsPerMinute", "10000"),
                ("Auth:AccessTokenMinutes", "1440"), // the clock jumps by about an hour in all
            ]))
        {
            TestServices = services => services.AddSingleton<TimeProvider>(clock),
        };
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Chaos");
        await portal.WithLedgerAsync(tenant.TenantId, l => l.GrantAsync(tenant.TenantId, 10_000, "fuzz-grant", "fuzz"));
        var services = portal.Services;
        var gateway = services.GetRequiredService<IJobGateway>();
        var lifecycle = services.GetRequiredService<JobLifecycle>();
        var sweeper = services.GetRequiredService<JobRecoverySweeper>();
        var lease = TimeSpan.FromSeconds(new GenerationOptions().LeaseSeconds);
        var (violations, operations, ended) = (new List<string>(), 0, 0);

        for (var run = 0; run < Runs; run++)
        {
            var random = new Random(1000 * run + (int)provider);
            var jobs = new List<Guid>();
            for (var i = 0; i < JobsPerRun; i++)
            {
                jobs.Add(await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(("seed", i))));
            }

            var held = new List<JobLease>();
            for (var op = 0; op < OpsPerRun; op++)
            {
                // Mostly one at a time; every fifth step a burst of three racing operations.
                var burst = op % 5 == 4 ? 3 : 1;
                await Task.WhenAll(Enumerable.Range(0, burst).Select(_ => StepAsync(random.Next(12), jobs[random.Next(jobs.Count)], random)));
                operations += burst;
            }

            // The invariants hold once a sweep has looked: a lapsed lease is recovered, not left Running.
            await sweeper.SweepAsync(CancellationToken.None);
            violations.AddRange(await CheckAsync(portal, tenant.TenantId, jobs, clock.GetUtcNow().UtcDateTime, run));
            ended += (await StatusesAsync(portal, tenant.TenantId, jobs)).Count(s => JobStates.IsTerminal(s.Status));

            Task StepAsync(int kind, Guid id, Random r)
            {
                JobLease? Pick()
                {
                    lock (held)
                    {
                        return held.Count == 0 ? null : held[r.Next(held.Count)];
                    }
                }

                var job = new JobRef(tenant.TenantId, id);
                return kind switch
                {
                    0 => ScopedAsync(db => lifecycle.ClaimAsync(db, id, CancellationToken.None)),
                    1 => StartAsync(job),
                    2 => Pick() is { } l ? gateway.ReportProgressAsync(l, new JobProgress(1, 4, null), CancellationToken.None) : Task.CompletedTask,
                    3 => Pick() is { } l ? gateway.RenewAsync(l, CancellationToken.None) : Task.CompletedTask,
                    4 => Pick() is { } l ? gateway.CompleteAsync(l, Output(), CancellationToken.None) : Task.CompletedTask,
                    5 => Pick() is { } l ? gateway.FailAsync(l, "fuzz failure", CancellationToken.None) : Task.CompletedTask,
                    6 => Pick() is { } l ? gateway.CancelledAsync(l, CancellationToken.None) : Task.CompletedTask,
                    7 => Pick() is { } l ? gateway.AbandonAsync(l, "fuzz hand-back", r.Next(2) == 0, CancellationToken.None) : Task.CompletedTask,
                    8 => owner.PostAsync(U($"/api/v1/generations/{id}/cancel"), null),
                    // A worker dies or hangs: the clock jumps past its lease (its calls, if it comes back, are a zombie's).
                    9 => Task.Run(() => clock.Advance(lease * (0.2 + (r.NextDouble() * 1.2)))),
                    10 => sweeper.SweepAsync(CancellationToken.None),
                    _ => StartAsync(job),
                };
            }

            async Task StartAsync(JobRef job)
            {
                if (await gateway.StartAsync(job, $"fuzz/{job.JobId:N}", CancellationToken.None) is { } ticket)
                {
                    lock (held)
                    {
                        held.Add(new JobLease(job, ticket.Lease.Id));
                    }
                }
            }
        }

        output.WriteLine($"Lifecycle fuzz [{provider}]: {Runs} runs × {JobsPerRun} jobs, {operations} operations (bursts of 3 racing), " +
                         $"{ended} jobs ended; invariant violations: {violations.Count}");
        Assert.Empty(violations);
        Assert.True(ended > Runs, "Too few jobs ended for the runs to mean anything.");

        Task<bool> ScopedAsync(Func<PortalDbContext, Task<bool>> action) => portal.WithContextAsync(tenant.TenantId, action);
    }

    private static JobOutput Output() =>
        new([new SdPortal.Inference.Pipeline.GeneratedImage(Png, 7, 1, 1)], 7, new GenerationTimings(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, 4), "fuzz");

    private static Task<List<GenerationJob>> StatusesAsync(PortalWebFactory portal, Guid tenantId, List<Guid> ids) =>
        portal.WithContextAsync(tenantId, db => db.GenerationJobs.AsNoTracking().Where(j => ids.Contains(j.Id)).ToListAsync());

    private static async Task<List<string>> CheckAsync(PortalWebFactory portal, Guid tenantId, List<Guid> ids, DateTime now, int run)
    {
        var problems = new List<string>();
        var entries = await portal.WithContextAsync(tenantId, db => db.CreditLedger.AsNoTracking().ToListAsync());
        var images = await portal.WithContextAsync(tenantId, db => db.GeneratedImages.AsNoTracking().Where(i => ids.Contains(i.JobId)).ToListAsync());
        var balance = await portal.WithLedgerAsync(tenantId, l => l.GetBalanceAsync(tenantId));
        if (entries.Sum(e => e.Amount) != balance)
        {
            problems.Add($"run {run}: ledger sums to {entries.Sum(e => e.Amount)}, balance is {balance}");
        }

        foreach (var job in await StatusesAsync(portal, tenantId, ids))
        {
            var mine = entries.Where(e => e.JobId == job.Id).ToList();
            var (captures, releases) = (mine.Count(e => e.Kind == CreditEntryKind.Capture), mine.Count(e => e.Kind == CreditEntryKind.Release));
            var held = mine.Sum(e => e.Amount);
            var pictures = images.Count(i => i.JobId == job.Id);
            var expected = job.Status switch
            {
                GenerationJobStatus.Succeeded => (1, 0, -job.ReservedCredits, 1),
                GenerationJobStatus.Failed or GenerationJobStatus.Cancelled => (0, 1, 0L, 0),
                _ => (0, 0, -job.ReservedCredits, 0),
            };
            if ((captures, releases, held, pictures) != expected)
            {
                problems.Add($"run {run}: job {job.Id} {job.Status}: captures/releases/net/images = {(captures, releases, held, pictures)}, expected {expected}");
            }

            var owned = job.Status switch
            {
                GenerationJobStatus.Running => job.LeaseId is not null && job.LeaseExpiresAtUtc is { } until && until >= now,
                GenerationJobStatus.Queued => job.LeaseId is null,
                GenerationJobStatus.Dispatched => job.LeaseId is null && job.DispatchedAtUtc is not null,
                _ => job.LeaseId is null && job.CompletedAtUtc is not null,
            };
            if (!owned)
            {
                problems.Add($"run {run}: job {job.Id} {job.Status} has no owner (lease {job.LeaseId}, expires {job.LeaseExpiresAtUtc:O})");
            }
        }

        return problems;
    }

    /// <summary>A clock the test moves forward; timers still tick in real time (the sweeper's runs add racing sweeps).</summary>
    private sealed class SteppingClock(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
