using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data.Credits;
using SdPortal.Data.Tenancy;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Support;

/// <summary>Intent methods for generation jobs: submit, wait, read balances and ledger entries, watch the hub.</summary>
public sealed partial class PortalWebFactory
{
    /// <summary>The tiny synthetic model's folder shared by the generation tests, so it is written once per run.</summary>
    public static readonly string SharedModels = Path.Combine(Path.GetTempPath(), "sdportal-test-models");

    /// <summary>Settings for generation tests: shared models, a quick dispatcher, <paramref name="workers"/> in-process workers.</summary>
    public static Dictionary<string, string?> GenerationSettings(int workers = 2, params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Models:Directory"] = SharedModels,
            ["Jobs:WorkerCount"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Generation:DispatchIntervalMilliseconds"] = "200",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A lean request: 64×64, 4 steps of Euler on the tiny model; <paramref name="changes"/> override fields.</summary>
    public static Dictionary<string, object?> TinyRequest(params (string Field, object? Value)[] changes)
    {
        var body = new Dictionary<string, object?>
        {
            ["prompt"] = "a red fox in the snow",
            ["model"] = "tiny-synthetic",
            ["scheduler"] = "Euler",
            ["steps"] = 4,
            ["guidanceScale"] = 7.5,
            ["width"] = 64,
            ["height"] = 64,
            ["seed"] = 7,
            ["batchSize"] = 1,
        };
        foreach (var (field, value) in changes)
        {
            body[field] = value;
        }

        return body;
    }

    public static Task<HttpResponseMessage> SubmitGenerationAsync(HttpClient client, Dictionary<string, object?>? body = null) =>
        client.PostAsJsonAsync(U("/api/v1/generations"), body ?? TinyRequest(), Json);

    /// <summary>Submits and asserts 202; returns the job id.</summary>
    public static async Task<Guid> SubmitAcceptedAsync(HttpClient client, Dictionary<string, object?>? body = null)
    {
        var response = await SubmitGenerationAsync(client, body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
        Assert.Equal("queued", json.GetProperty("status").GetString());
        return json.GetProperty("id").GetGuid();
    }

    /// <summary>Polls the job until its status is <paramref name="status"/>; fails on another final status or after the timeout.</summary>
    public static async Task<JsonElement> WaitForStatusAsync(HttpClient client, Guid id, string status, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var job = await GetJsonAsync(client, $"/api/v1/generations/{id}");
            var current = job.GetProperty("status").GetString();
            if (current == status)
            {
                return job;
            }

            Assert.False(current is "succeeded" or "failed" or "canceled", $"Job {id} ended {current}, not {status}: {job}");
            Assert.True(watch.Elapsed < (timeout ?? TimeSpan.FromSeconds(60)), $"Job {id} still {current} after {watch.Elapsed}");
            await Task.Delay(50);
        }
    }

    public static async Task<long> BalanceAsync(HttpClient client) =>
        (await GetJsonAsync(client, "/api/v1/tenant")).GetProperty("credits").GetInt64();

    /// <summary>Ledger entries of <paramref name="kind"/> for a job (or the tenant's, when no job is given).</summary>
    public Task<int> LedgerEntriesAsync(Guid tenantId, CreditEntryKind kind, Guid? jobId = null) =>
        WithContextAsync(tenantId, db => db.CreditLedger.CountAsync(e => e.Kind == kind && (jobId == null || e.JobId == jobId)));

    /// <summary>Runs a ledger call in a scope acting for <paramref name="tenantId"/>.</summary>
    public async Task<T> WithLedgerAsync<T>(Guid tenantId, Func<ICreditLedger, Task<T>> action)
    {
        await using var scope = Services.GetRequiredService<IServiceScopeFactory>().CreateTenantScope(tenantId);
        return await action(scope.ServiceProvider.GetRequiredService<ICreditLedger>());
    }

    public Task<int> JobCountAsync(Guid tenantId) => WithContextAsync(tenantId, db => db.GenerationJobs.CountAsync());

    /// <summary>
    /// A started hub connection authenticated as <paramref name="client"/>'s bearer token over the test server: long
    /// polling by default; WebSockets where a test must see what the server does to an open connection, since every
    /// long poll is a new request that passes authorisation again on its own.
    /// </summary>
    public async Task<HubConnection> ConnectHubAsync(HttpClient client, HttpTransportType transport = HttpTransportType.LongPolling)
    {
        var token = client.DefaultRequestHeaders.Authorization!.Parameter!;
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(Server.BaseAddress, "/hubs/generations"), o =>
            {
                o.HttpMessageHandlerFactory = _ => Server.CreateHandler();
                o.Transports = transport;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.WebSocketFactory = async (context, ct) =>
                {
                    var socket = Server.CreateWebSocketClient();
                    socket.ConfigureRequest = r => r.Headers.Authorization = $"Bearer {token}";
                    return await socket.ConnectAsync(context.Uri, ct);
                };
            })
            .Build();
        await hub.StartAsync();
        return hub;
    }
}
