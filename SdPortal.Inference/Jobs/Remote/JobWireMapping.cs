using SdPortal.Contracts.Jobs;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Jobs.Remote;

/// <summary>
/// Between the engine's job types and the wire bodies of SdPortal.Contracts: the one place that knows both, used by the
/// web node's internal endpoints and the host's <c>HttpJobGateway</c>, so the two directions cannot disagree.
/// </summary>
public static class JobWireMapping
{
    public static JobTicketBody ToBody(this JobTicket ticket) => new(
        ticket.Model, GenerationSpecJson.Serialize(ticket.Spec), ticket.Spec.Inputs?.InitImage, ticket.Spec.Inputs?.Mask,
        ticket.Lease.Id, ticket.Lease.Duration.TotalSeconds, ticket.Lease.StallAfter.TotalSeconds)
    {
        Adapters = ticket.Spec.Inputs?.Adapters.ToDictionary(a => a.Key, a => a.Value.Sha256, StringComparer.OrdinalIgnoreCase),
    };

    public static JobTicket ToTicket(this JobTicketBody body)
    {
        var spec = GenerationSpecJson.Deserialize(body.Spec);
        return new(
            body.Model,
            body.InitImage is null ? spec : spec with { Inputs = new GenerationInputs(body.InitImage, body.Mask) },
            new LeaseTerms(body.LeaseId, TimeSpan.FromSeconds(body.LeaseSeconds), TimeSpan.FromSeconds(body.StallSeconds)))
        {
            AdapterHashes = body.Adapters ?? [],
        };
    }

    public static RenewAnswer ToAnswer(this LeaseState state) => new(state != LeaseState.Lost, state == LeaseState.CancelRequested);

    public static LeaseState ToState(this RenewAnswer answer) =>
        !answer.Held ? LeaseState.Lost : answer.Cancel ? LeaseState.CancelRequested : LeaseState.Held;

    public static CompleteBody ToBody(this JobOutput output) => new(
        [.. output.Images.Select(i => new ImageBody(i.Png, i.Seed, i.Width, i.Height))],
        output.Seed,
        output.Timings.TextEncoding.TotalMilliseconds,
        output.Timings.Denoising.TotalMilliseconds,
        output.Timings.Decoding.TotalMilliseconds,
        output.Timings.Total.TotalMilliseconds,
        output.Timings.Steps,
        output.Device)
    {
        Warnings = output.Warnings,
    };

    public static JobOutput ToOutput(this CompleteBody body) => new(
        [.. body.Images.Select(i => new GeneratedImage(i.Png, i.Seed, i.Width, i.Height))],
        body.Seed,
        new GenerationTimings(
            TimeSpan.FromMilliseconds(body.TextEncodingMs), TimeSpan.FromMilliseconds(body.DenoisingMs),
            TimeSpan.FromMilliseconds(body.DecodingMs), TimeSpan.FromMilliseconds(body.TotalMs), body.Steps),
        body.Device)
    {
        Warnings = body.Warnings ?? [],
    };

    /// <summary>The path of <paramref name="action"/> for <paramref name="job"/>.</summary>
    public static string PathOf(this JobRef job, string action) => InternalJobApi.JobPath(job.TenantId, job.JobId, action);

    /// <summary>The path of <paramref name="action"/> for the holder of <paramref name="lease"/>.</summary>
    public static string PathOf(this JobLease lease, string action) =>
        InternalJobApi.LeasePath(lease.Job.TenantId, lease.Job.JobId, lease.LeaseId, action);
}
