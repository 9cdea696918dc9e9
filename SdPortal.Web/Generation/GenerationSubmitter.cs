using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Data.Generation;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Memory;
using SdPortal.Inference.Pipeline;
using SdPortal.Inference.Schedulers;
using SdPortal.Inference.Telemetry;
using SdPortal.Web.Adapters;
using SdPortal.Web.Inputs;
using SdPortal.Web.Observability;

namespace SdPortal.Web.Generation;

/// <summary>
/// Admits a generation for a member of a tenant, whatever the way in (REST or a circuit): rate limit (R20), engine
/// rules, tenant limits, the job memory budget (an image too large for it is refused on its size field; a batch too
/// large runs in passes, ADR-016), then the job row and the credit reservation in one transaction, so a rejected submission
/// writes and charges nothing. Finally wakes the dispatcher. A submission may carry the client's idempotency key
/// (a form's, an <c>Idempotency-Key</c> header's): it becomes the reservation's ledger key, whose unique index lets
/// only one job ever be accepted under it; a repeat answers that job (R9).
/// </summary>
public sealed partial class GenerationSubmitter(
    PortalDbContext db,
    ICreditLedger ledger,
    GenerationCost cost,
    SubmitRateLimiter rateLimiter,
    ModelCatalog models,
    ModelSchedulers schedulers,
    ModelCapabilities capabilities,
    InputImageAccess inputs,
    LoraAdapterAccess loras,
    IMemoryAdmission memory,
    FairDispatcher dispatcher,
    QueueBoard board,
    IOptionsMonitor<GenerationOptions> options,
    TimeProvider time,
    PortalMetrics metrics,
    ILogger<GenerationSubmitter> logger)
{
    /// <summary>The longest client idempotency key accepted.</summary>
    public const int MaxIdempotencyKeyLength = 128;

    public async Task<SubmitOutcome> SubmitAsync(
        Guid tenantId, Guid userId, GenerationSpec body, CancellationToken ct, string? idempotencyKey = null)
    {
        if (idempotencyKey is { Length: 0 or > MaxIdempotencyKeyLength })
        {
            return new SubmitOutcome.Invalid(new Dictionary<string, string[]>
            {
                ["idempotencyKey"] = [$"must have 1 to {MaxIdempotencyKeyLength} characters"],
            });
        }

        var spec = Normalize(body);
        var specJson = GenerationSpecJson.Serialize(spec);
        var reserveKey = idempotencyKey is null ? null : $"submit:{userId:N}:{idempotencyKey}";
        if (reserveKey is not null && await FindAcceptedAsync(reserveKey, ct) is { } earlier)
        {
            return earlier.Job.Spec == specJson ? earlier : new SubmitOutcome.KeyReused(idempotencyKey!, earlier.Job.Id);
        }

        if (await rateLimiter.TryAcquireAsync(tenantId) is { } retryAfter)
        {
            LogRateLimited(logger, tenantId, userId, retryAfter.TotalSeconds);
            return new SubmitOutcome.RateLimited(retryAfter);
        }

        var (errors, inputErrors) = await CheckAsync(spec, userId, ct);
        if (errors.Count > 0)
        {
            return new SubmitOutcome.Invalid(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()))
            {
                OnlyUnusableInputs = inputErrors == errors.Values.Sum(e => e.Count),
            };
        }

        var credits = cost.Credits(spec);
        var job = new GenerationJob
        {
            TenantId = tenantId,
            UserId = userId,
            Spec = specJson,
            Prompt = spec.Prompt,
            Model = spec.Model!,
            TotalSteps = spec.DenoisingSteps,
            Seed = spec.Seed is { } seed ? (long)seed : null,
            ReservedCredits = credits,
            CreatedAtUtc = time.GetUtcNow().UtcDateTime,
        };
        using var trace = JobTrace.Start("job submit", job.Id, ActivityKind.Producer);
        job.TraceParent = trace?.Id;

        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.GenerationJobs.Add(job);
            await db.SaveChangesAsync(ct);
            var reserved = await ledger.ReserveAsync(tenantId, job.Id, credits, reserveKey ?? $"job:{job.Id:N}:reserve", ct);
            if (reserved.Outcome is CreditOutcome.Replayed or CreditOutcome.Conflict && reserveKey is not null)
            {
                // A concurrent submission with the same key won the ledger's unique index: ours is undone, theirs stands.
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                var winner = await FindAcceptedAsync(reserveKey, ct)
                             ?? throw new InvalidOperationException($"Ledger key '{reserveKey}' is taken but names no job.");
                return winner.Job.Spec == specJson ? winner : new SubmitOutcome.KeyReused(idempotencyKey!, winner.Job.Id);
            }

            if (reserved.Outcome == CreditOutcome.InsufficientCredits)
            {
                await transaction.RollbackAsync(ct);
                var balance = await ledger.GetBalanceAsync(tenantId, ct);
                LogInsufficient(logger, tenantId, userId, credits, balance);
                return new SubmitOutcome.InsufficientCredits(credits, balance);
            }

            await transaction.CommitAsync(ct);
            metrics.CreditsReserved(reserved.Outcome == CreditOutcome.Applied ? credits : 0);
        }

        LogAccepted(logger, job.Id, tenantId, userId, job.Model, spec.Mode, spec.DenoisingSteps, credits);
        var spot = await dispatcher.AfterSubmitAsync(job.Id, ct);
        return new SubmitOutcome.Accepted(job, spot);
    }

    /// <summary>The job accepted earlier under <paramref name="reserveKey"/>, if any, with its current queue place.</summary>
    private async Task<SubmitOutcome.Accepted?> FindAcceptedAsync(string reserveKey, CancellationToken ct)
    {
        var jobId = await db.CreditLedger.AsNoTracking().Where(e => e.IdempotencyKey == reserveKey).Select(e => e.JobId).SingleOrDefaultAsync(ct);
        var job = jobId is { } id ? await db.GenerationJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, ct) : null;
        if (job is null)
        {
            return null;
        }

        LogReplayed(logger, job.Id, job.TenantId);
        return new SubmitOutcome.Accepted(job, board.Find(job.Id) ?? new QueueSpot(0, 0));
    }

    /// <summary>
    /// The spec as the job keeps it: the model resolved to a catalogue key and the sampler named canonically, so a
    /// retry spelled "euler_a" is the same request as "Euler a".
    /// </summary>
    private GenerationSpec Normalize(GenerationSpec body) => body with
    {
        Model = string.IsNullOrWhiteSpace(body.Model) ? models.DefaultKey : body.Model,
        Scheduler = body.Scheduler is { } name && SchedulerFactory.Canonical(name) is { } canonical ? canonical : body.Scheduler!,
        Inputs = null,
        InitialLatents = null,
    };

    /// <summary>Every field error of the request, and how many of them are about its input images (which exist for the caller or not).</summary>
    private async Task<(Dictionary<string, List<string>> Errors, int InputErrors)> CheckAsync(GenerationSpec request, Guid userId, CancellationToken ct)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message) => (errors.TryGetValue(field, out var list) ? list : errors[field] = []).Add(message);

        var model = request.Model!;
        var known = models.Contains(model);
        var sizeMultiple = known ? capabilities.SizeMultiple(model) : GenerationSpec.SizeMultiple;
        foreach (var error in request.Validate(scheduler: known ? schedulers.For(model) : null, sizeMultiple: sizeMultiple))
        {
            Add(error.Field, error.Message);
        }

        if (known && request.Mode != GenerationMode.TextToImage && !capabilities.CanStartFromImage(model))
        {
            Add("initImageId", $"model '{model}' cannot start from an image: it has no VAE encoder");
        }

        var inputErrors = await inputs.CheckAsync(request, userId, ct);
        foreach (var error in inputErrors)
        {
            Add(error.Field, error.Message);
        }

        var unusable = inputErrors.Count;
        var adapters = request.Adapters;
        if (known && adapters.Count > 0 && errors.Count == 0)
        {
            var resolution = await loras.ResolveForJobAsync(db.CurrentTenantId, userId, [.. adapters.Select(a => a.Name)], model, ct);
            var listed = request.Loras?.Count ?? 0;
            foreach (var error in resolution.Errors)
            {
                // Names from the prompt's <lora:…> tags come after the listed ones; their errors belong to the prompt.
                var index = Enumerable.Range(0, adapters.Count).FirstOrDefault(i => error.Field == $"loras[{i}].name");
                Add(index < listed ? error.Field : "prompt", error.Message);
            }

            unusable += resolution.Errors.Count; // like an input image: a valid request naming something unusable (422)
        }

        var limits = await db.TenantLimits.AsNoTracking().SingleAsync(ct);
        if (Math.Max(request.Width, request.Height) > limits.MaxImageSide)
        {
            Add(request.Width > limits.MaxImageSide ? "width" : "height", $"must be at most {limits.MaxImageSide} on this plan");
        }

        if (request.Steps > limits.MaxSteps)
        {
            Add("steps", $"must be at most {limits.MaxSteps} on this plan");
        }

        if (request.BatchSize > limits.MaxBatch)
        {
            Add("batchSize", $"must be at most {limits.MaxBatch} on this plan");
        }

        if (!known)
        {
            Add("model", $"{GenerationSpec.Quote(model)} is unknown; available: {string.Join(", ", models.Entries.Select(e => e.Key))}");
        }
        else if (limits.AllowedModels.Count > 0 && !limits.AllowedModels.Contains(model))
        {
            Add("model", $"{GenerationSpec.Quote(model)} is not allowed on this plan; allowed: {string.Join(", ", limits.AllowedModels)}");
        }
        else if (errors.Count == 0 && memory.Check(model, request) is { Refused: true, Field: { } field, Message: { } message })
        {
            // Only a valid request of a known model is estimated; its other errors say more than a size would.
            Add(field, message);
        }

        var outstanding = await db.GenerationJobs.CountAsync(j => JobStates.Open.Contains(j.Status), ct);
        if (outstanding >= options.CurrentValue.MaxOutstandingJobsPerTenant)
        {
            Add("jobs", $"the tenant already has {outstanding} queued or running jobs (at most {options.CurrentValue.MaxOutstandingJobsPerTenant})");
        }

        return (errors, unusable);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId} accepted from user {UserId}: {Model}, {Mode}, {Steps} steps, {Credits} credit(s) reserved")]
    private static partial void LogAccepted(ILogger logger, Guid jobId, Guid tenantId, Guid userId, string model, GenerationMode mode, int steps, long credits);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId}: a repeated submission with its idempotency key answered it again")]
    private static partial void LogReplayed(ILogger logger, Guid jobId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Submission of tenant {TenantId} by user {UserId} refused: needs {Cost} credits, balance {Balance}")]
    private static partial void LogInsufficient(ILogger logger, Guid tenantId, Guid userId, long cost, long balance);

    [LoggerMessage(Level = LogLevel.Information, Message = "Submission of tenant {TenantId} by user {UserId} rate limited; retry in {Seconds:F0} s")]
    private static partial void LogRateLimited(ILogger logger, Guid tenantId, Guid userId, double seconds);
}
