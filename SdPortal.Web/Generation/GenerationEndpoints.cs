using Microsoft.AspNetCore.Mvc;
using SdPortal.Inference.Pipeline;
using SdPortal.Web.Api;
using SdPortal.Web.Api.Access;

namespace SdPortal.Web.Generation;

/// <summary>
/// <c>/api/v1/generations</c>: cost, submit, read, history and cancel, for members of the caller's tenant. Another
/// member's job is visible to admins only; anything else answers 404 (R16).
/// </summary>
internal static class GenerationEndpoints
{
    public static void MapGenerationEndpoints(this RouteGroupBuilder api)
    {
        var generations = api.MapGroup("/generations").WithTags("Generations");
        generations.MapGet("/cost", Cost);
        generations.MapPost(string.Empty, SubmitAsync);
        generations.MapGet(string.Empty, ListAsync);
        generations.MapGet("/{id:guid}", GetAsync);
        generations.MapPost("/{id:guid}/cancel", CancelAsync);
        generations.MapGet("/{id:guid}/preview", PreviewAsync);
    }

    /// <summary>
    /// The running job's latest preview (a PNG of at most 64 px) as this web node received it; 404 when it has none.
    /// Pages show it as an image URL with the step as a cache-buster, so no image bytes travel over a circuit.
    /// </summary>
    private static async Task<IResult> PreviewAsync(Guid id, GenerationReader reader, LivePreviews previews, PortalCaller caller, HttpContext http, CancellationToken ct)
    {
        if (await reader.FindAsync(id, caller.UserId, caller.IsAdmin, ct) is null || await previews.FindAsync(id) is not { } preview)
        {
            return ApiProblems.NotFound();
        }

        http.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.File(preview.Png, "image/png");
    }

    /// <summary>
    /// The price of a request shape, checked by the engine's own rules for those fields (so no product of huge numbers
    /// overflows and no price is quoted for a request that would be refused); plan limits are the submission's concern.
    /// </summary>
    private static IResult Cost(int? width, int? height, int? steps, int? batchSize, double? strength, GenerationCost cost)
    {
        // A strength prices image-to-image: the steps that run are int(steps × strength) (a placeholder image id marks the mode).
        var defaults = new GenerationSpec { Prompt = "price" };
        var shape = defaults with
        {
            Width = width ?? defaults.Width,
            Height = height ?? defaults.Height,
            Steps = steps ?? defaults.Steps,
            BatchSize = batchSize ?? defaults.BatchSize,
            Strength = strength ?? defaults.Strength,
            InitImageId = strength is null ? null : Guid.Empty,
        };
        if (shape.Validate() is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()));
        }

        return TypedResults.Ok(new CostResponse(
            cost.Credits(shape),
            "batchSize × max(1, ⌈width × height × steps run ÷ Generation:PixelStepsPerCredit⌉), where image-to-image runs int(steps × strength); the default makes one 512×512 image of 20 steps cost 1 credit"));
    }

    private static async Task<IResult> SubmitAsync(
        GenerationSpec body,
        [FromHeader(Name = IdempotencyKey.Header)] string? idempotencyKey,
        GenerationSubmitter submitter,
        PortalCaller caller,
        HttpContext http,
        CancellationToken ct)
    {
        // A retried POST with the same Idempotency-Key answers the job accepted the first time instead of a second one.
        switch (await submitter.SubmitAsync(caller.TenantId, caller.UserId, body, ct, idempotencyKey))
        {
            case SubmitOutcome.Accepted(var job, var spot):
                return TypedResults.Accepted($"/api/v1/generations/{job.Id}",
                    new SubmitGenerationResponse(job.Id, GenerationStatusNames.Of(job.Status), spot.Position, spot.EstimatedStartSeconds, spot.WaitingForGpu));
            case SubmitOutcome.Invalid(var errors) invalid:
                return Results.ValidationProblem(errors,
                    statusCode: invalid.OnlyUnusableInputs ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status400BadRequest);
            case SubmitOutcome.InsufficientCredits(var needed, var balance):
                return TypedResults.Problem(statusCode: StatusCodes.Status402PaymentRequired, title: "Not enough credits",
                    detail: $"This generation costs {needed} credits; the tenant has {balance}.");
            case SubmitOutcome.KeyReused(var key, _):
                return ApiProblems.KeyReused(key);
            case SubmitOutcome.RateLimited(var retryAfter):
                RetryAfterHeader.Set(http.Response, retryAfter);
                return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many generations",
                    detail: "The tenant's submissions per minute are used up.");
            default:
                throw new InvalidOperationException("Unknown submission outcome.");
        }
    }

    private static async Task<IResult> GetAsync(Guid id, GenerationReader reader, PortalCaller caller, CancellationToken ct) =>
        await reader.FindAsync(id, caller.UserId, caller.IsAdmin, ct) is { } job
            ? TypedResults.Ok(await reader.DescribeAsync(job, ct))
            : ApiProblems.NotFound();

    private static async Task<IResult> ListAsync(string? cursor, GenerationReader reader, PortalCaller caller, CancellationToken ct)
    {
        if (cursor is not null && !Guid.TryParse(cursor, out _))
        {
            return new FieldErrors().Require(false, "cursor", "is not a cursor this API returned").ToResult();
        }

        return TypedResults.Ok(await reader.PageAsync(caller.UserId, cursor is null ? null : Guid.Parse(cursor), ct));
    }

    private static async Task<IResult> CancelAsync(
        Guid id, GenerationReader reader, GenerationCanceller canceller, PortalCaller caller, CancellationToken ct)
    {
        if (await reader.FindAsync(id, caller.UserId, caller.IsAdmin, ct) is not { } job)
        {
            return ApiProblems.NotFound();
        }

        if (GenerationStatusNames.IsTerminal(job.Status))
        {
            return ApiProblems.Conflict($"The generation has already ended ({GenerationStatusNames.Of(job.Status)}).");
        }

        // 200 with status "canceled": it ended now. 202 with status "running" and cancelRequested: its worker stops within
        // one step, or the job ends when the lease of a vanished worker lapses.
        var outcome = await canceller.CancelAsync(job, ct);
        var now = await reader.DescribeAsync((await reader.FindAsync(id, caller.UserId, caller.IsAdmin, ct))!, ct);
        return outcome is CancelOutcome.Ended || GenerationStatusNames.IsTerminal(now.Status)
            ? TypedResults.Ok(now)
            : TypedResults.Accepted($"/api/v1/generations/{id}", now);
    }
}
