using Microsoft.Net.Http.Headers;
using SdPortal.Web.Api;
using SdPortal.Web.Api.Access;

namespace SdPortal.Web.Inputs;

/// <summary>
/// <c>/api/v1/input-images</c>: a member uploads, lists, reads and deletes their own input images, which specs name
/// as <c>initImageId</c> and <c>maskImageId</c>. Another member's or another tenant's image answers 404 (R16).
/// </summary>
internal static class InputImageEndpoints
{
    /// <summary>The field every upload error names.</summary>
    public const string FileField = "file";

    /// <summary>Room for the multipart framing around the file: boundaries, part headers, a few small text fields.</summary>
    public const long MultipartOverhead = 64 * 1024;

    public static void MapInputImageEndpoints(this RouteGroupBuilder api, long maxFileBytes)
    {
        var inputs = api.MapGroup("/input-images").WithTags("Input images");
        inputs.MapPost(string.Empty, UploadAsync).WithBodyLimit(maxFileBytes + MultipartOverhead);
        inputs.MapGet(string.Empty, ListAsync);
        inputs.MapGet("/{id:guid}", GetAsync);
        inputs.MapGet("/{id:guid}/file", FileAsync);
        inputs.MapDelete("/{id:guid}", DeleteAsync);
    }

    /// <summary>
    /// <c>multipart/form-data</c> with one part named <c>file</c>, read as a stream (<see cref="MultipartForm"/>): the
    /// file part up to the limit plus one byte, other parts up to <see cref="MultipartOverhead"/>. The claimed content
    /// type and file name are ignored.
    /// </summary>
    private static async Task<IResult> UploadAsync(HttpRequest request, InputImageUploads uploads, PortalCaller caller, CancellationToken ct)
    {
        MultipartField[] fields =
        [
            new(FileField, uploads.MaxBytes, new(StatusCodes.Status413PayloadTooLarge, FileField, $"The file is over the limit of {uploads.MaxBytes} bytes.")),
        ];
        var (form, problem) = await MultipartForm.ReadAsync(request, fields, FileField, ct);
        if (problem is not null)
        {
            return problem.ToResult();
        }

        if (form!.File(FileField) is not { } file)
        {
            return FileError(StatusCodes.Status400BadRequest, "Send one part named 'file' holding a PNG, JPEG or WebP image.");
        }

        return await uploads.UploadAsync(caller.TenantId, caller.UserId, file, ct) switch
        {
            UploadOutcome.Stored(var image) => TypedResults.Created($"/api/v1/input-images/{image.Id}", InputImageResponse.From(image)),
            UploadOutcome.Refused refused => Refusal(refused),
            _ => throw new InvalidOperationException("Unknown upload outcome."),
        };
    }

    private static async Task<IResult> ListAsync(string? cursor, int? limit, InputImageUploads uploads, PortalCaller caller, CancellationToken ct)
    {
        var pageSize = limit ?? InputImageUploads.DefaultPageSize;
        var errors = new FieldErrors()
            .Require(cursor is null || Guid.TryParse(cursor, out _), "cursor", "is not a cursor this API returned")
            .Require(pageSize is >= 1 and <= InputImageUploads.MaxPageSize, "limit", $"must be within 1…{InputImageUploads.MaxPageSize}");
        if (errors.Any)
        {
            return errors.ToResult();
        }

        return TypedResults.Ok(await uploads.PageAsync(caller.UserId, cursor is null ? null : Guid.Parse(cursor), pageSize, ct));
    }

    private static async Task<IResult> GetAsync(Guid id, InputImageUploads uploads, PortalCaller caller, CancellationToken ct) =>
        await uploads.FindAsync(id, caller.UserId, ct) is { } image ? TypedResults.Ok(InputImageResponse.From(image)) : ApiProblems.NotFound();

    /// <summary>The bytes as uploaded, with the type the decoder found; never sniffed by the browser as something else.</summary>
    private static async Task<IResult> FileAsync(Guid id, InputImageUploads uploads, PortalCaller caller, HttpContext http, CancellationToken ct)
    {
        if (await uploads.FindAsync(id, caller.UserId, ct) is not { } image || uploads.OpenRead(image) is not { } stream)
        {
            return ApiProblems.NotFound();
        }

        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
        return TypedResults.Stream(stream, InputImageUploads.ContentTypeOf(image.Format), entityTag: new EntityTagHeaderValue($"\"{image.ContentHash}\""));
    }

    private static async Task<IResult> DeleteAsync(Guid id, InputImageUploads uploads, PortalCaller caller, CancellationToken ct) =>
        await uploads.DeleteAsync(id, caller.UserId, ct) ? TypedResults.NoContent() : ApiProblems.NotFound();

    private static IResult Refusal(UploadOutcome.Refused refused) => FileError(refused.Reason switch
    {
        UploadRefusal.TooLarge => StatusCodes.Status413PayloadTooLarge,
        UploadRefusal.NotAnAcceptedFormat => StatusCodes.Status415UnsupportedMediaType,
        UploadRefusal.Unusable => StatusCodes.Status422UnprocessableEntity,
        UploadRefusal.TooMany => StatusCodes.Status409Conflict,
        _ => throw new InvalidOperationException("Unknown upload refusal."),
    }, refused.Message);

    private static IResult FileError(int status, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [FileField] = [message] }, statusCode: status);
}
