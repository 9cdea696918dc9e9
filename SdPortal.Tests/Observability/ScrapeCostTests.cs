using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Data.Entities;
using SdPortal.Data.Generation;
using SdPortal.Tests.Browser;
using SdPortal.Tests.Support;
using SdPortal.Web.Observability;
using Xunit.Abstractions;

namespace SdPortal.Tests.Observability;

/// <summary>
/// What the metrics cost (docs/benchmarks.md, "Metrics and traces"): 100 tenants with queued jobs over a job table of
/// 100,000 finished rows, the queue refresher's one GROUP BY (timed, and its plan) and GET /metrics (timed). It
/// asserts what it reports, never how fast.
/// </summary>
public sealed class ScrapeCostTests(ITestOutputHelper output)
{
    private const int Tenants = 100;
    private const int QueuedPerTenant = 2;
    private const int FinishedRows = 100_000;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task HundredTenantsQueued_OverAHundredThousandRows_RefreshAndScrapeAreMeasured(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Jobs:RunInferenceInProcess"] = "false" });
        portal.StartOnKestrel();
        var first = await portal.RegisterTenantAsync("Scrape 0");
        var queue = portal.Services.GetRequiredService<QueueMetrics>();
        using var scraper = new HttpClient { BaseAddress = new Uri(portal.Url("/")) };
        // The same scrape with nothing queued, in this process: the baseline the per-tenant series add to.
        await queue.RefreshAsync(CancellationToken.None);
        var emptyBytes = 0;
        var empty = await TimeAsync(10, 200, async () =>
        {
            using var response = await scraper.GetAsync(new Uri("/metrics", UriKind.Relative));
            emptyBytes = (await response.Content.ReadAsByteArrayAsync()).Length;
        });
        var tenants = await SeedAsync(portal, first);

        // Planned (and on PostgreSQL analysed) first: a production table has statistics, a freshly filled one has none.
        var plan = await PlanAsync(portal, provider);
        var refresh = await TimeAsync(5, 50, () => queue.RefreshAsync(CancellationToken.None));
        var bytes = 0;
        var scrape = await TimeAsync(10, 200, async () =>
        {
            using var response = await scraper.GetAsync(new Uri("/metrics", UriKind.Relative));
            bytes = (await response.Content.ReadAsByteArrayAsync()).Length;
        });
        var scraped = await PrometheusScrape.GetAsync(scraper);

        output.WriteLine($"[{provider}] {Tenants} tenants × {QueuedPerTenant} queued over {FinishedRows:N0} finished rows; {Environment.ProcessorCount} CPUs, load average {LoadAverage()}");
        output.WriteLine($"[{provider}] refresher GROUP BY: p50 {refresh.P50:0.00} ms, p99 {refresh.P99:0.00} ms (50 runs)");
        output.WriteLine($"[{provider}] GET /metrics: p50 {scrape.P50:0.00} ms, p99 {scrape.P99:0.00} ms (200 scrapes, {bytes:N0} bytes, {scraped.Samples.Count} samples); " +
                         $"empty queue: p50 {empty.P50:0.00} ms, p99 {empty.P99:0.00} ms ({emptyBytes:N0} bytes); p50 ratio {scrape.P50 / empty.P50:0.00}");
        output.WriteLine($"[{provider}] plan:\n{plan}");
        Assert.Equal(Tenants, scraped.Of("sdportal_queue_depth").Count());
        Assert.All(tenants, t => Assert.Equal(QueuedPerTenant, scraped.Sum("sdportal_queue_depth", ("tenant", t.ToString()))));
        Assert.Equal(Tenants * QueuedPerTenant, scraped.Sum("sdportal_jobs", ("state", "queued")));
        Assert.Contains("GenerationJobs", plan, StringComparison.Ordinal);
    }

    /// <summary>99 more tenants, two queued jobs each, and the finished rows copied from one template row in SQL.</summary>
    private static async Task<List<Guid>> SeedAsync(PortalWebFactory portal, RegisteredTenant first)
    {
        var others = Enumerable.Range(1, Tenants - 1).Select(i => new Tenant { Name = $"Scrape {i}", Slug = $"scrape-{i}", CreatedAtUtc = DateTime.UtcNow }).ToList();
        await portal.WithContextAsync(null, async db =>
        {
            db.Tenants.AddRange(others);
            return await db.SaveChangesAsync();
        });
        var tenants = others.Select(t => t.Id).Prepend(first.TenantId).ToList();
        foreach (var tenant in tenants)
        {
            await portal.WithContextAsync(tenant, async db =>
            {
                db.GenerationJobs.AddRange(Enumerable.Range(0, QueuedPerTenant).Select(_ => Job(tenant, first.UserId, GenerationJobStatus.Queued)));
                return await db.SaveChangesAsync();
            });
        }

        var template = Job(first.TenantId, first.UserId, GenerationJobStatus.Succeeded);
        await portal.WithContextAsync(first.TenantId, async db =>
        {
            db.GenerationJobs.Add(template);
            await db.SaveChangesAsync();
            var table = db.Model.FindEntityType(typeof(GenerationJob))!;
            var columns = table.GetProperties().Select(p => $"\"{p.GetColumnName()}\"").ToList();
            var copied = string.Join(", ", columns.Select(c => c == "\"Id\"" ? (db.Database.IsNpgsql() ? "gen_random_uuid()" : "upper(hex(randomblob(16)))") : $"t.{c}"));
            var sql = db.Database.IsNpgsql()
                ? $"INSERT INTO \"GenerationJobs\" ({string.Join(", ", columns)}) SELECT {copied} FROM \"GenerationJobs\" t CROSS JOIN generate_series(2, {FinishedRows}) WHERE t.\"Id\" = {{0}}"
                : $"WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < {FinishedRows}) INSERT INTO \"GenerationJobs\" ({string.Join(", ", columns)}) SELECT {copied} FROM \"GenerationJobs\" t, n WHERE t.\"Id\" = {{0}}";
            return await db.Database.ExecuteSqlRawAsync(sql, template.Id);
        });
        return tenants;
    }

    private static GenerationJob Job(Guid tenant, Guid user, GenerationJobStatus status) => new()
    {
        TenantId = tenant,
        UserId = user,
        Status = status,
        Spec = "{}",
        Prompt = "a red fox in the snow",
        Model = "tiny-synthetic",
        TotalSteps = 4,
        CreatedAtUtc = DateTime.UtcNow.AddMinutes(-Random.Shared.Next(1, 60)),
        CompletedAtUtc = status == GenerationJobStatus.Succeeded ? DateTime.UtcNow : null,
    };

    /// <summary>The refresher's query plan, as the provider explains it (PostgreSQL after ANALYZE, with timings).</summary>
    private static Task<string> PlanAsync(PortalWebFactory portal, DatabaseProvider provider) => portal.WithContextAsync(null, async db =>
    {
        var sql = QueueMetrics.OpenJobsByTenantAndState(db).ToQueryString();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        if (provider == DatabaseProvider.PostgreSql)
        {
            await ExecuteAsync(connection, "ANALYZE \"GenerationJobs\"");
        }

        var lines = await ReadAsync(connection, provider == DatabaseProvider.PostgreSql ? $"EXPLAIN (ANALYZE, BUFFERS) {sql}" : $"EXPLAIN QUERY PLAN {sql}");
        return $"{sql}\n--\n{string.Join('\n', lines)}";
    });

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> ReadAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i)?.ToString())));
        }

        return lines;
    }

    private static async Task<(double P50, double P99)> TimeAsync(int warmUp, int runs, Func<Task> action)
    {
        for (var i = 0; i < warmUp; i++)
        {
            await action();
        }

        var ms = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await action();
            ms.Add(watch.Elapsed.TotalMilliseconds);
        }

        ms.Sort();
        return (ms[(int)Math.Ceiling(0.5 * runs) - 1], ms[(int)Math.Ceiling(0.99 * runs) - 1]);
    }
}
