using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Pipeline;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Generation;

/// <summary>
/// A worker hung mid-job (issue 12): the run stops reporting steps and ignores its cancellation, as a stuck native call
/// would. The stall watchdog gives the lease up, the worker leaves the run behind and serves the queue again, and the
/// job runs again — here on the next attempt, which does not hang — and is charged once.
/// </summary>
public sealed class HungWorkerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RunThatHangs_GivesItsLeaseUp_AndTheJobSucceedsOnTheNextAttempt_ChargedOnce()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        using var engine = new HangOnceEngine();
        // One worker: it must be freed from the hung run for the job to run again at all.
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(workers: 1,
            ("Generation:StallSeconds", "2"), ("Generation:LeaseSeconds", "3"), ("Generation:RecoverySweepSeconds", "1")))
        {
            TestServices = services =>
            {
                services.AddSingleton<OnnxGenerationEngine>();
                services.AddSingleton<IGenerationEngine>(sp => engine.Wrap(sp.GetRequiredService<OnnxGenerationEngine>()));
            },
        };
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Stuck");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var id = await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(("steps", 6)));
        await PortalWebFactory.WaitForStatusAsync(owner, id, "succeeded", TimeSpan.FromSeconds(90));

        var attempts = await portal.WithContextAsync(tenant.TenantId, db => db.GenerationJobs.Where(j => j.Id == id).Select(j => j.Attempts).SingleAsync());
        var (captures, releases) = (await portal.LedgerEntriesAsync(tenant.TenantId, CreditEntryKind.Capture, id),
            await portal.LedgerEntriesAsync(tenant.TenantId, CreditEntryKind.Release, id));
        output.WriteLine($"Hung run (stall 2 s, lease 3 s): succeeded {watch.Elapsed.TotalSeconds:F1} s after submission on attempt {attempts}; " +
                         $"runs started {engine.Runs}; captures {captures}, releases {releases}");
        Assert.Equal((2, 2, 1, 0), (attempts, engine.Runs, captures, releases));
        Assert.Equal(TenantLimitsDefaults.Credits - 1, await PortalWebFactory.BalanceAsync(owner));

        // Let the left-behind run finish before the portal disposes the sessions it still uses.
        await engine.ReleaseAsync();
    }

    /// <summary>The real engine, except that its first run blocks after the second step until the test ends, deaf to cancellation.</summary>
    private sealed class HangOnceEngine : IDisposable
    {
        private readonly ManualResetEventSlim _release = new();
        private int _runs;
        private Task _hung = Task.CompletedTask;

        public int Runs => Volatile.Read(ref _runs);

        public async Task ReleaseAsync()
        {
            _release.Set();
            await _hung.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        public IGenerationEngine Wrap(IGenerationEngine inner) => new Engine(inner, this);


        public void Dispose()
        {
            _release.Set();
            _release.Dispose();
        }

        private sealed class Engine(IGenerationEngine inner, HangOnceEngine owner) : IGenerationEngine
        {
            public IReadOnlyList<string> Devices => inner.Devices;

            public IReadOnlyList<DeviceStatus> DescribeDevices() => inner.DescribeDevices();

            public Task<(GenerationResult Result, string Device)> GenerateAsync(
                string modelKey, GenerationSpec request, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
            {
                var first = Interlocked.Increment(ref owner._runs) == 1;
                var run = Task.Run(() => inner.GenerateAsync(modelKey, request, first ? new Hang(progress, owner._release) : progress, first ? CancellationToken.None : cancellationToken));
                if (first)
                {
                    owner._hung = run;
                }

                return run;
            }
        }

        private sealed class Hang(IProgress<GenerationProgress>? inner, ManualResetEventSlim release) : IProgress<GenerationProgress>
        {
            public void Report(GenerationProgress value)
            {
                inner?.Report(value);
                if (value.Step >= 2)
                {
                    release.Wait(TimeSpan.FromMinutes(2));
                }
            }
        }
    }
}
