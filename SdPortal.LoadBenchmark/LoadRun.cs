using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SdPortal.LoadBenchmark;

/// <summary>
/// The two measurements: a warm, idle portal (one job at a time: submit → first step), then a burst of N jobs from M
/// tenants (throughput, submit → start, progress-event latency, each tenant's longest wait).
/// </summary>
internal static class LoadRun
{
    public static async Task<string> RunAsync(Uri portal, BenchmarkOptions options, Func<string, Task<string>>? confirmationLink)
    {
        var clock = Stopwatch.StartNew();
        var report = new StringBuilder();
        await using (var idle = await BenchmarkTenant.SignUpAsync(portal, "warmup", clock, confirmationLink))
        {
            // The first job writes the tiny model (if missing) and opens its sessions: not counted.
            await WaitAsync([idle], [await idle.SubmitAsync(options.Request(0))], TimeSpan.FromMinutes(2));
            var firstSteps = new List<double>();
            for (var i = 1; i <= options.WarmJobs; i++)
            {
                var id = await idle.SubmitAsync(options.Request(i));
                await WaitAsync([idle], [id], TimeSpan.FromMinutes(1));
                var job = idle.Jobs[id];
                firstSteps.Add((job.FirstStepAt!.Value - job.SubmittedAt!.Value).TotalMilliseconds);
            }

            report.AppendLine(Line($"Idle portal, warm: submit → first step p50 {Percentiles.Of(firstSteps, 50):F0} ms, max {firstSteps.Max():F0} ms ({options.WarmJobs} jobs one at a time)"));
        }

        var tenants = new List<BenchmarkTenant>();
        for (var t = 0; t < options.Tenants; t++)
        {
            tenants.Add(await BenchmarkTenant.SignUpAsync(portal, $"tenant{t}", clock, confirmationLink));
        }

        try
        {
            var started = clock.Elapsed;
            var perTenant = Enumerable.Range(0, options.Tenants)
                .Select(t => Enumerable.Range(0, options.Jobs).Where(i => i % options.Tenants == t).ToList()).ToList();
            var ids = (await Task.WhenAll(perTenant.Select(async (seeds, t) =>
            {
                var submitted = new List<Guid>();
                foreach (var seed in seeds)
                {
                    submitted.Add(await tenants[t].SubmitAsync(options.Request(seed)));
                }

                return submitted;
            }))).SelectMany(x => x).ToList();
            var burstSubmitted = clock.Elapsed - started;
            await WaitAsync(tenants, ids, TimeSpan.FromMinutes(15));
            var all = tenants.SelectMany(t => t.Jobs.Values).ToList();
            var elapsed = all.Max(j => j.EndedAt!.Value) - started;
            var waits = all.Select(j => (j.StartedAt!.Value - j.SubmittedAt!.Value).TotalMilliseconds).ToList();
            var progress = tenants.SelectMany(t => t.ProgressLatenciesMs).ToList();
            report.AppendLine(Line($"Burst: {options.Jobs} jobs from {options.Tenants} tenants submitted in {burstSubmitted.TotalSeconds:F1} s; " +
                $"all ended in {elapsed.TotalSeconds:F1} s; succeeded {all.Count(j => j.Succeeded)}/{all.Count}"));
            report.AppendLine(Line($"Throughput: {options.Jobs / elapsed.TotalSeconds:F2} jobs/s ({options.Jobs * options.Steps / elapsed.TotalSeconds:F0} steps/s)"));
            report.AppendLine(Line($"Submit → start: p50 {Percentiles.Of(waits, 50):F0} ms, p99 {Percentiles.Of(waits, 99):F0} ms"));
            report.AppendLine(Line($"Progress event (portal send → client receipt): p50 {Percentiles.Of(progress, 50):F1} ms, p99 {Percentiles.Of(progress, 99):F1} ms over {progress.Count} events"));
            report.AppendLine(Line("Longest wait (submit → start) per tenant: " + string.Join(", ", tenants.Select(t =>
                $"{t.Name} {t.Jobs.Values.Max(j => (j.StartedAt!.Value - j.SubmittedAt!.Value).TotalSeconds):F1} s"))));
            return report.ToString();
        }
        finally
        {
            foreach (var tenant in tenants)
            {
                await tenant.DisposeAsync();
            }
        }
    }

    private static async Task WaitAsync(IReadOnlyList<BenchmarkTenant> tenants, IReadOnlyList<Guid> ids, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!ids.All(id => tenants.Any(t => t.Jobs.TryGetValue(id, out var job) && job.EndedAt is not null)))
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Jobs still running after {timeout}.");
            }

            await Task.Delay(50);
        }
    }

    private static string Line(string text) => string.Create(CultureInfo.InvariantCulture, $"- {text}");
}
