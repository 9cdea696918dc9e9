using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace SdPortal.LoadBenchmark;

/// <summary>
/// One tenant's owner as a client: signs up, logs in, listens on the hub's tenant group (so no event is missed
/// between submit and subscribe) and records, per job, when it was submitted, started, stepped and finished.
/// </summary>
internal sealed class BenchmarkTenant : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly HubConnection _hub;
    private readonly Stopwatch _clock;

    private BenchmarkTenant(string name, HttpClient http, HubConnection hub, Stopwatch clock) => (Name, _http, _hub, _clock) = (name, http, hub, clock);

    public string Name { get; }

    public ConcurrentDictionary<Guid, JobTimeline> Jobs { get; } = new();

    /// <summary>Milliseconds from portal send to client receipt, one per progress event.</summary>
    public ConcurrentBag<double> ProgressLatenciesMs { get; } = [];

    /// <summary>
    /// Signs up and confirms the address through <paramref name="confirmationLink"/> (the sign-up credits come with the
    /// confirmation); without one (a given portal, whose mail the benchmark cannot read) the tenant has no credits.
    /// </summary>
    public static async Task<BenchmarkTenant> SignUpAsync(Uri portal, string name, Stopwatch clock, Func<string, Task<string>>? confirmationLink)
    {
        var http = new HttpClient { BaseAddress = portal, Timeout = TimeSpan.FromSeconds(60) };
        var email = $"owner@{name}.bench";
        const string password = "load-benchmark-42";
        var registered = await http.PostAsJsonAsync(new Uri("api/v1/auth/register", UriKind.Relative), new { email, password, tenantName = name }, Json);
        registered.EnsureSuccessStatusCode();
        if (confirmationLink is not null)
        {
            var link = new Uri(await confirmationLink(email));
            (await http.GetAsync(new Uri($"api/v1/auth/confirm-email{link.Query}", UriKind.Relative))).EnsureSuccessStatusCode();
        }

        var login = await http.PostAsJsonAsync(new Uri("api/v1/auth/login", UriKind.Relative), new { email, password }, Json);
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("accessToken").GetString()!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var tenantId = (await http.GetFromJsonAsync<JsonElement>(new Uri("api/v1/tenant", UriKind.Relative), Json)).GetProperty("id").GetGuid();

        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(portal, "hubs/generations"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        var tenant = new BenchmarkTenant(name, http, hub, clock);
        hub.On<JsonElement>("JobProgress", tenant.OnProgress);
        hub.On<JsonElement>("JobCompleted", e => tenant.OnEnded(e, succeeded: true));
        hub.On<JsonElement>("JobFailed", e => tenant.OnEnded(e, succeeded: false));
        await hub.StartAsync();
        await hub.InvokeAsync("SubscribeToTenant", tenantId);
        return tenant;
    }

    /// <summary>Submits one job; answers its id, or throws with the portal's answer.</summary>
    public async Task<Guid> SubmitAsync(object request)
    {
        var submittedAt = _clock.Elapsed;
        var response = await _http.PostAsJsonAsync(new Uri("api/v1/generations", UriKind.Relative), request, Json);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"Submit answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        var id = (await response.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("id").GetGuid();
        Jobs.GetOrAdd(id, _ => new JobTimeline()).SubmittedAt = submittedAt;
        return id;
    }

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        _http.Dispose();
    }

    private void OnProgress(JsonElement e)
    {
        var now = _clock.Elapsed;
        ProgressLatenciesMs.Add((DateTimeOffset.UtcNow - e.GetProperty("sentAtUtc").GetDateTimeOffset()).TotalMilliseconds);
        var job = Jobs.GetOrAdd(e.GetProperty("jobId").GetGuid(), _ => new JobTimeline());
        var step = e.GetProperty("step").GetInt32();
        lock (job)
        {
            job.StartedAt ??= now;
            if (step >= 1)
            {
                job.FirstStepAt ??= now;
            }
        }
    }

    private void OnEnded(JsonElement e, bool succeeded)
    {
        var job = Jobs.GetOrAdd(e.GetProperty("jobId").GetGuid(), _ => new JobTimeline());
        lock (job)
        {
            job.EndedAt ??= _clock.Elapsed;
            job.Succeeded = succeeded;
        }
    }
}

/// <summary>When one job was submitted, started (step 0 announced), took its first step and ended, on the run's clock.</summary>
internal sealed class JobTimeline
{
    public TimeSpan? SubmittedAt { get; set; }

    public TimeSpan? StartedAt { get; set; }

    public TimeSpan? FirstStepAt { get; set; }

    public TimeSpan? EndedAt { get; set; }

    public bool Succeeded { get; set; }
}
