using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SdPortal.Web.Api;
using SdPortal.Web.Api.Access;
using SdPortal.Web.Inputs;

namespace SdPortal.Web.Adapters;

/// <summary>
/// <c>/api/v1/loras</c>: members upload, list, read, download, change and delete the tenant's LoRA adapters, which
/// prompts name as <c>&lt;lora:name:w&gt;</c> and specs as <c>loras[].name</c>. What a caller may see and do is
/// <see cref="LoraAdapterAccess"/>'s rule; another tenant's adapter answers 404, like an unknown id (R16).
/// </summary>
internal static class LoraAdapterEndpoints
{
    public const string Path = "/api/v1/loras";

    /// <summary>The name and trigger words travel as small text parts; more is not one of them.</summary>
    private const long TextPartBytes = 4 * 1024;

    public static void MapLoraAdapterEndpoints(this RouteGroupBuilder api, long maxFileBytes, long maxPreviewBytes)
    {
        var loras = api.MapGroup("/loras").WithTags("LoRA adapters");
        loras.MapPost(string.Empty, UploadAsync).WithBodyLimit(maxFileBytes + maxPreviewBytes + (2 * MultipartForm.OtherPartBytes))
            .WithSummary("Upload a LoRA adapter")
            .WithDescription("multipart/form-data: `file` (.safetensors, kohya or PEFT keys), `name`, optional `triggerWords` and `preview` "
                             + "(PNG, JPEG or WebP). 413 over the plan's size, 415 a pickle checkpoint, 400 a file that is not a readable "
                             + "adapter, 422 one that fits no model of the catalogue, 409 a taken name or the plan's count reached.")
            .Produces<LoraAdapterResponse>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status409Conflict).ProducesValidationProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesValidationProblem(StatusCodes.Status415UnsupportedMediaType).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        loras.MapGet(string.Empty, ListAsync).WithSummary("The adapters the caller sees, newest first")
            .Produces<LoraAdapterPage>().ProducesValidationProblem();
        loras.MapGet("/{id:guid}", GetAsync).WithSummary("One adapter").Produces<LoraAdapterResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        loras.MapGet("/{id:guid}/file", FileAsync).WithSummary("The adapter's .safetensors file")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream").ProducesProblem(StatusCodes.Status404NotFound);
        loras.MapGet("/{id:guid}/preview", PreviewAsync).WithSummary("The adapter's preview image")
            .Produces(StatusCodes.Status200OK, contentType: "image/png").ProducesProblem(StatusCodes.Status404NotFound);
        loras.MapPatch("/{id:guid}", UpdateAsync)
            .WithSummary("Rename an adapter, change its trigger words, or (admins) share it with the tenant")
            .Produces<LoraAdapterResponse>().ProducesValidationProblem().ProducesValidationProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status404NotFound);
        loras.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Delete an adapter and its files")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// <c>multipart/form-data</c> read as a stream (<see cref="MultipartForm"/>): the file up to the tenant's limit plus
    /// one byte, the preview up to the input image limit plus one, the text fields up to a few KB.
    /// </summary>
    private static async Task<IResult> UploadAsync(
        HttpRequest request, LoraAdapterUploads uploads, IOptions<InputImageOptions> inputs, PortalCaller caller, CancellationToken ct)
    {
        var limits = await uploads.LimitsAsync(ct);
        var previewBytes = inputs.Value.MaxBytes;
        MultipartField[] fields =
        [
            new(LoraAdapterUploads.FileField, limits.MaxBytes, new(StatusCodes.Status413PayloadTooLarge, LoraAdapterUploads.FileField,
                $"The file is over this plan's limit of {limits.MaxBytes} bytes for an adapter.")),
            new(LoraAdapterUploads.PreviewField, previewBytes, new(StatusCodes.Status413PayloadTooLarge, LoraAdapterUploads.PreviewField,
                $"The preview is over the limit of {previewBytes} bytes.")),
            new(LoraAdapterUploads.NameField, TextPartBytes, new(StatusCodes.Status400BadRequest, LoraAdapterUploads.NameField, "is far too long."), IsText: true),
            new(LoraAdapterUploads.TriggerWordsField, TextPartBytes, new(StatusCodes.Status400BadRequest, LoraAdapterUploads.TriggerWordsField, "are far too long."), IsText: true),
        ];
        var (form, problem) = await MultipartForm.ReadAsync(request, fields, LoraAdapterUploads.FileField, ct);
        if (problem is not null)
        {
            return problem.ToResult();
        }

        if (form!.File(LoraAdapterUploads.FileField) is not { } file)
        {
            return new FieldProblem(StatusCodes.Status400BadRequest, LoraAdapterUploads.FileField, "Send one part named 'file' holding a .safetensors adapter.").ToResult();
        }

        var upload = new LoraUploadRequest(form.Text(LoraAdapterUploads.NameField), form.Text(LoraAdapterUploads.TriggerWordsField), file,
            form.FileName(LoraAdapterUploads.FileField), form.File(LoraAdapterUploads.PreviewField));
        return await uploads.UploadAsync(caller.TenantId, caller.UserId, upload, ct) switch
        {
            LoraOutcome.Stored(var adapter) => TypedResults.Created($"{Path}/{adapter.Id}", LoraAdapterResponse.From(adapter, caller.UserId)),
            var other => Answer(other, caller),
        };
    }

    private static async Task<IResult> ListAsync(string? cursor, int? limit, LoraAdapterUploads uploads, PortalCaller caller, CancellationToken ct)
    {
        var pageSize = limit ?? LoraAdapterUploads.DefaultPageSize;
        var errors = new FieldErrors()
            .Require(cursor is null || Guid.TryParse(cursor, out _), "cursor", "is not a cursor this API returned")
            .Require(pageSize is >= 1 and <= LoraAdapterUploads.MaxPageSize, "limit", $"must be within 1…{LoraAdapterUploads.MaxPageSize}");
        if (errors.Any)
        {
            return errors.ToResult();
        }

        return TypedResults.Ok(await uploads.PageAsync(caller.UserId, caller.IsAdmin, cursor is null ? null : Guid.Parse(cursor), pageSize, ct));
    }

    private static async Task<IResult> GetAsync(Guid id, LoraAdapterUploads uploads, PortalCaller caller, CancellationToken ct) =>
        await uploads.FindAsync(id, caller.UserId, caller.IsAdmin, ct) is { } adapter
            ? TypedResults.Ok(LoraAdapterResponse.From(adapter, caller.UserId))
            : ApiProblems.NotFound();

    /// <summary>The file as uploaded, as a download named after the adapter; never sniffed by the browser as something else.</summary>
    private static async Task<IResult> FileAsync(Guid id, LoraAdapterUploads uploads, PortalCaller caller, HttpContext http, CancellationToken ct)
    {
        if (await uploads.FindAsync(id, caller.UserId, caller.IsAdmin, ct) is not { } adapter || uploads.OpenRead(adapter) is not { } stream)
        {
            return ApiProblems.NotFound();
        }

        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
        return TypedResults.Stream(stream, "application/octet-stream", $"{adapter.Name}.safetensors",
            entityTag: new EntityTagHeaderValue($"\"{adapter.ContentHash}\""));
    }

    private static async Task<IResult> PreviewAsync(Guid id, LoraAdapterUploads uploads, PortalCaller caller, HttpContext http, CancellationToken ct)
    {
        if (await uploads.FindAsync(id, caller.UserId, caller.IsAdmin, ct) is not { PreviewFormat: { } format } adapter
            || uploads.OpenPreview(adapter) is not { } stream)
        {
            return ApiProblems.NotFound();
        }

        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
        return TypedResults.Stream(stream, LoraAdapterUploads.PreviewContentType(format));
    }

    private static async Task<IResult> UpdateAsync(Guid id, LoraAdapterPatch patch, LoraAdapterUploads uploads, PortalCaller caller, CancellationToken ct) =>
        await uploads.UpdateAsync(id, caller.UserId, caller.IsAdmin, patch, ct) switch
        {
            LoraOutcome.Stored(var adapter) => TypedResults.Ok(LoraAdapterResponse.From(adapter, caller.UserId)),
            var other => Answer(other, caller),
        };

    private static async Task<IResult> DeleteAsync(Guid id, LoraAdapterUploads uploads, PortalCaller caller, CancellationToken ct) =>
        await uploads.DeleteAsync(id, caller.UserId, caller.IsAdmin, ct) switch
        {
            LoraOutcome.Stored => TypedResults.NoContent(),
            var other => Answer(other, caller),
        };

    private static IResult Answer(LoraOutcome outcome, PortalCaller caller) => outcome switch
    {
        LoraOutcome.NotFound => ApiProblems.NotFound(),
        LoraOutcome.Refused refused => Results.ValidationProblem(refused.Errors, statusCode: StatusOf(refused.Reason)),
        _ => throw new InvalidOperationException($"Unexpected outcome {outcome} for user {caller.UserId}."),
    };

    private static int StatusOf(LoraRefusal reason) => reason switch
    {
        LoraRefusal.Invalid => StatusCodes.Status400BadRequest,
        LoraRefusal.TooLarge => StatusCodes.Status413PayloadTooLarge,
        LoraRefusal.UnsupportedType => StatusCodes.Status415UnsupportedMediaType,
        LoraRefusal.Unusable => StatusCodes.Status422UnprocessableEntity,
        LoraRefusal.Conflict => StatusCodes.Status409Conflict,
        LoraRefusal.Forbidden => StatusCodes.Status403Forbidden,
        _ => throw new InvalidOperationException("Unknown refusal."),
    };
}
