using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SdPortal.Data;
using SdPortal.Data.Entities;
using SdPortal.Data.Generation;
using SdPortal.Tests.Data;
using SdPortal.Tests.Generation;
using SdPortal.Tests.Support;
using SdPortal.Web.Generation;
using Xunit.Abstractions;

namespace SdPortal.Tests.Deployment;

/// <summary>
/// The KEDA PostgreSQL trigger's exact SQL, read from the rendered manifest, run against a migrated portal database:
/// it counts the open jobs (the backlog a scaler must see) as jobs are queued, run and finished, and with zero hosts a
/// job waits, says it waits for a GPU to start, and the first host that comes up takes it (ADR-024).
/// </summary>
public sealed class ScalerQueryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ScalerQuery_CountsQueuedDispatchedAndRunningJobs_NotEndedOnes()
    {
        var query = await KubernetesManifests.ScalerQueryAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.PostgreSql);
        await using var data = await DataHost.StartAsync(database);
        var user = new PortalUser { UserName = "scaler@example.test", Email = "scaler@example.test" };
        await data.WithContextAsync(null, db => { db.Add(user); return db.SaveChangesAsync(); });
        var tenant = await data.CreateTenantAsync("scaler");
        var empty = await CountAsync(database, query);

        // One job in every state, written through the entity as the lifecycle stores it (Status as its enum name).
        var statuses = Enum.GetValues<GenerationJobStatus>();
        await data.WithContextAsync(tenant, db =>
        {
            foreach (var status in statuses)
            {
                var job = TenantOwnedSamples.Job(user.Id, tenant);
                job.Status = status;
                job.CreatedAtUtc = DateTime.UtcNow;
                db.Add(job);
            }

            return db.SaveChangesAsync();
        });
        var onePerState = await CountAsync(database, query);

        // As the autoscaler's own role (deploy/k8s/postgres/keda-scaler-role.sql; roles are server-wide, the script is
        // idempotent): the same count, and nothing else of the table.
        await using (var owner = new NpgsqlConnection(database.PostgresConnectionString))
        {
            await owner.OpenAsync();
            var script = await File.ReadAllTextAsync(Path.Combine(KubernetesManifests.Folder, "postgres", "keda-scaler-role.sql"));
            await using var grant = new NpgsqlCommand(script, owner);
            await grant.ExecuteNonQueryAsync();
        }

        var scaler = new NpgsqlConnectionStringBuilder(database.PostgresConnectionString) { Username = "sdportal_keda", Password = null }.ConnectionString;
        var asScaler = await CountAsync(scaler, query);
        var denied = await Assert.ThrowsAsync<PostgresException>(() => CountAsync(scaler, "SELECT COUNT(\"Prompt\") FROM \"GenerationJobs\""));

        output.WriteLine($"Scaler query: {query}\nempty table {empty}; one job in each of {statuses.Length} states {onePerState}; " +
                         $"as sdportal_keda {asScaler}, reading prompts: {denied.SqlState} {denied.MessageText}");
        Assert.Equal(0, empty);
        Assert.Equal(JobStates.Open.Count, onePerState);
        Assert.Equal(3, onePerState);
        Assert.Equal(onePerState, asScaler);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
    }

    [Fact]
    public async Task WithZeroHosts_AJobWaitsForAGpu_TheScalerSeesIt_AndTheFirstHostToComeUpRunsIt()
    {
        var query = await KubernetesManifests.ScalerQueryAsync();
        await using var cluster = await InferenceHostCluster.StartAsync(invisibilityTimeoutSeconds: 1800);
        var (_, owner) = await cluster.Portal.RegisterAndLoginAsync("Scaled To Zero");
        var idle = await CountAsync(cluster.Database, query);
        var submit = await PortalWebFactory.SubmitGenerationAsync(owner, PortalWebFactory.TinyRequest(("steps", 30), ("width", 256), ("height", 256)));
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var accepted = await submit.Content.ReadFromJsonAsync<JsonElement>();
        var id = accepted.GetProperty("id").GetGuid();

        // No host: the dispatcher's pass says the job waits for a GPU, with no ETA.
        JsonElement waiting;
        var watch = Stopwatch.StartNew();
        while (!(waiting = await PortalWebFactory.GetJsonAsync(owner, $"/api/v1/generations/{id}")).GetProperty("waitingForGpu").GetBoolean())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"The job never said it waits for a GPU: {waiting}");
            await Task.Delay(100);
        }

        var backlog = await CountAsync(cluster.Database, query);
        // The scaler's first poll would start a host now; the test starts it, as KEDA would.
        await cluster.StartHostAsync(workers: 1);
        var seen = new List<(string Status, long Backlog)>();
        watch.Restart();
        while (seen.Count == 0 || seen[^1].Status != nameof(GenerationJobStatus.Succeeded))
        {
            var now = await StatusAndCountAsync(cluster.Database, query, id);
            if (seen.Count == 0 || seen[^1] != now)
            {
                seen.Add(now);
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(90), $"The job did not finish on the new host: {string.Join(", ", seen)}");
            Assert.DoesNotContain(now.Status, new[] { nameof(GenerationJobStatus.Failed), nameof(GenerationJobStatus.Cancelled) });
            await Task.Delay(25);
        }

        var done = await PortalWebFactory.WaitForStatusAsync(owner, id, "succeeded");
        output.WriteLine($"Backlog idle {idle}; waiting: {waiting.GetProperty("waitReason").GetString()} (ETA {waiting.GetProperty("estimatedStartSeconds").GetRawText()}), " +
            $"backlog {backlog}; after a host came up (status, backlog): {string.Join(" → ", seen)}");
        Assert.Equal((0, 1), (idle, backlog));
        Assert.Equal(FairDispatcher.WaitingForGpuReason, waiting.GetProperty("waitReason").GetString());
        Assert.Equal(JsonValueKind.Null, waiting.GetProperty("estimatedStartSeconds").ValueKind);
        Assert.Equal("queued", waiting.GetProperty("status").GetString());
        Assert.True(accepted.GetProperty("waitingForGpu").GetBoolean(), $"The submission's answer: {accepted}");
        // While the job is open the scaler counts it (whichever of Queued/Dispatched/Running each poll caught); once it
        // ended, nothing: the cooldown starts.
        Assert.All(seen.SkipLast(1), s => Assert.Equal(1, s.Backlog));
        Assert.Equal((nameof(GenerationJobStatus.Succeeded), 0L), seen[^1]);
        Assert.Contains(seen, s => s.Status == nameof(GenerationJobStatus.Running));
        Assert.False(done.GetProperty("waitingForGpu").GetBoolean());
    }

    private static Task<long> CountAsync(TestDatabase database, string query) => CountAsync(database.PostgresConnectionString!, query);

    private static async Task<long> CountAsync(string connectionString, string query)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(query, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The job's status and the scaler's count in one statement, so both come from one snapshot.</summary>
    private static async Task<(string Status, long Backlog)> StatusAndCountAsync(TestDatabase database, string query, Guid jobId)
    {
        await using var connection = new NpgsqlConnection(database.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""SELECT (SELECT "Status" FROM "GenerationJobs" WHERE "Id" = @id), ({query})""", connection);
        command.Parameters.AddWithValue("id", jobId);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetString(0), reader.GetInt64(1));
    }
}
