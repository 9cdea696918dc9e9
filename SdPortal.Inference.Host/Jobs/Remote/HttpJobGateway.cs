using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SdPortal.Contracts.Jobs;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Jobs.Remote;

/// <summary>
/// The inference host's <see cref="IJobGateway"/>: each call is a POST to the web node's internal API
/// (<see cref="InternalJobApi"/>), which forwards it to the portal's own gateway. A typed client: base address, host
/// token and retries come from the client factory (<see cref="Hosting.InferenceHostExtensions"/>).
/// </summary>
public sealed class HttpJobGateway(HttpClient http, RemoteAdapterFiles adapters) : IJobGateway
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<JobTicket?> StartAsync(JobRef job, string workerName, CancellationToken cancellationToken)
    {
        using var response = await PostAsync(job.PathOf(InternalJobApi.Start), $"start of job {job.JobId}",
            new StartJobBody(workerName), retry: true, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return null;
        }

        var body = await response.Content.ReadFromJsonAsync<JobTicketBody>(Json, cancellationToken)
            ?? throw new InvalidOperationException("The portal answered start with an empty ticket.");
        var ticket = body.ToTicket();
        return ticket.AdapterHashes.Count == 0 ? ticket : await WithAdaptersAsync(ticket, new JobLease(job, ticket.Lease.Id), cancellationToken);
    }

    /// <summary>
    /// The ticket with its adapter files, fetched by hash where this host lacks them. One that cannot be had is left
    /// out: the pipeline then refuses the job naming it, and the job fails with its credits released.
    /// </summary>
    private async Task<JobTicket> WithAdaptersAsync(JobTicket ticket, JobLease lease, CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, Lora.LoraWeights>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, sha256) in ticket.AdapterHashes)
        {
            if (await adapters.GetAsync(sha256, ct => FetchAdapterAsync(lease, sha256, ct), cancellationToken) is { } weights)
            {
                files[name] = weights;
            }
        }

        var inputs = (ticket.Spec.Inputs ?? new GenerationInputs(null)) with { Adapters = files };
        return ticket with { Spec = ticket.Spec with { Inputs = inputs } };
    }

    private async Task<byte[]?> FetchAdapterAsync(JobLease lease, string sha256, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, InternalJobApi.AdapterPath(lease.Job.TenantId, lease.Job.JobId, lease.LeaseId, sha256));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return response.IsSuccessStatusCode ? await response.Content.ReadAsByteArrayAsync(cancellationToken) : null;
    }

    public async Task<LeaseState> RenewAsync(JobLease lease, CancellationToken cancellationToken)
    {
        // Not retried here: the lease keeper renews again on its next tick and knows how long it may keep trying.
        using var response = await PostAsync<ReasonBody>(lease, InternalJobApi.Renew, body: null, retry: false, cancellationToken);
        var answer = await response.Content.ReadFromJsonAsync<RenewAnswer>(Json, cancellationToken)
            ?? throw new InvalidOperationException("The portal answered renew with an empty body.");
        return answer.ToState();
    }

    public async Task<bool> ReportProgressAsync(JobLease lease, JobProgress progress, CancellationToken cancellationToken)
    {
        // Not retried: a lost step is superseded by the next one, and the relay drops what piles up meanwhile.
        using var response = await PostAsync(lease, InternalJobApi.Progress, new ProgressBody(progress.Step, progress.TotalSteps, progress.PreviewPng), retry: false, cancellationToken);
        var answer = await response.Content.ReadFromJsonAsync<ProgressAnswer>(Json, cancellationToken);
        return answer?.Cancel ?? false;
    }

    public async Task<bool> CompleteAsync(JobLease lease, JobOutput output, CancellationToken cancellationToken)
    {
        using var response = await PostAsync(lease, InternalJobApi.Complete, output.ToBody(), retry: true, cancellationToken);
        var answer = await response.Content.ReadFromJsonAsync<CompleteAnswer>(Json, cancellationToken);
        return answer?.Accepted ?? false;
    }

    public async Task FailAsync(JobLease lease, string reason, CancellationToken cancellationToken)
    {
        using var _ = await PostAsync(lease, InternalJobApi.Fail, new ReasonBody(reason), retry: true, cancellationToken);
    }

    public async Task CancelledAsync(JobLease lease, CancellationToken cancellationToken)
    {
        using var _ = await PostAsync<ReasonBody>(lease, InternalJobApi.Cancelled, body: null, retry: true, cancellationToken);
    }

    public async Task AbandonAsync(JobLease lease, string reason, bool countsAsAttempt, CancellationToken cancellationToken)
    {
        using var _ = await PostAsync(lease, InternalJobApi.Abandon, new AbandonBody(reason, countsAsAttempt), retry: true, cancellationToken);
    }

    public async Task ReportWorkerAsync(WorkerReport report, CancellationToken cancellationToken)
    {
        // Not retried: the next report follows in a few seconds and supersedes this one.
        using var _ = await PostAsync(InternalJobApi.WorkerReportRoute.TrimStart('/'), $"the report of {report.WorkerName}", report, retry: false, cancellationToken);
    }

    private Task<HttpResponseMessage> PostAsync<T>(JobLease lease, string action, T? body, bool retry, CancellationToken cancellationToken)
        where T : class =>
        PostAsync(lease.PathOf(action), $"{action} of job {lease.Job.JobId}", body, retry, cancellationToken);

    private async Task<HttpResponseMessage> PostAsync<T>(string path, string what, T? body, bool retry, CancellationToken cancellationToken)
        where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = body is null ? null : JsonContent.Create(body, options: Json),
        };
        request.Options.Set(TransientRetryHandler.NoRetry, !retry);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout: callers treat a slow portal like an unreachable one, not like a cancelled job.
            throw new TimeoutException($"The portal did not answer {what} in time.", ex);
        }

        if (!response.IsSuccessStatusCode)
        {
            var status = response.StatusCode;
            response.Dispose();
            throw new HttpRequestException(
                status is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound
                    ? $"The portal refused {what} ({(int)status}): check Jobs:HostToken on both sides."
                    : $"The portal answered {what} with {(int)status}.",
                null, status);
        }

        return response;
    }
}
