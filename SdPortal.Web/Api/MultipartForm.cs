using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace SdPortal.Web.Api;

/// <summary>One part a <see cref="MultipartForm"/> reads: a file (bytes) or a text field, each with its own bound.</summary>
/// <param name="Name">The part's form name.</param>
/// <param name="MaxBytes">The most bytes it may hold; reading stops one byte past it.</param>
/// <param name="TooLarge">What a part over <paramref name="MaxBytes"/> answers: 413 for files, 400 for text fields.</param>
/// <param name="IsText">A text field (read as UTF-8), not a file.</param>
internal sealed record MultipartField(string Name, long MaxBytes, FieldProblem TooLarge, bool IsText = false);

/// <summary>An answer naming one field: the status and a message a user may read.</summary>
internal sealed record FieldProblem(int Status, string Field, string Message)
{
    public IResult ToResult() =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [Field] = [Message] }, statusCode: Status);
}

/// <summary>
/// A <c>multipart/form-data</c> body read as a stream, part by part: each expected part up to its own bound plus one
/// byte (never more, whatever the client sends), any other part skipped up to <see cref="OtherPartBytes"/>, at most
/// <see cref="MaxParts"/> parts, each expected part at most once. The claimed content types are ignored; a part's file
/// name is kept only for callers that refuse by it (never echoed).
/// </summary>
internal sealed class MultipartForm
{
    /// <summary>The bound of a part nobody asked for, and room for the framing around the expected ones.</summary>
    public const long OtherPartBytes = 64 * 1024;

    public const int MaxParts = 8;

    private readonly Dictionary<string, ReadOnlyMemory<byte>> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _texts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _fileNames = new(StringComparer.Ordinal);

    /// <summary>The bytes of file part <paramref name="name"/>, or null when the body had none.</summary>
    public ReadOnlyMemory<byte>? File(string name) => _files.TryGetValue(name, out var bytes) ? bytes : (ReadOnlyMemory<byte>?)null;

    /// <summary>The file name the client gave part <paramref name="name"/>, if any.</summary>
    public string? FileName(string name) => _fileNames.GetValueOrDefault(name);

    /// <summary>The text of field <paramref name="name"/> (UTF-8), or null when the body had none.</summary>
    public string? Text(string name) => _texts.GetValueOrDefault(name);

    /// <summary>
    /// Reads <paramref name="request"/>'s body; the form, or the problem that stopped it (<paramref name="formField"/>
    /// names a malformed body's).
    /// </summary>
    public static async Task<(MultipartForm? Form, FieldProblem? Problem)> ReadAsync(
        HttpRequest request, IReadOnlyList<MultipartField> fields, string formField, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary) is not { Length: > 0 and <= 70 } boundary)
        {
            return (null, new(StatusCodes.Status400BadRequest, formField, $"Send multipart/form-data with a part named '{formField}'."));
        }

        var reader = new MultipartReader(boundary.ToString(), request.Body) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
        var form = new MultipartForm();
        try
        {
            var parts = 0;
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (++parts > MaxParts)
                {
                    return (null, new(StatusCodes.Status400BadRequest, formField, $"Send at most {MaxParts} parts."));
                }

                var disposition = ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var parsed)
                                  && parsed.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
                    ? parsed
                    : null;
                var name = disposition is null ? null : HeaderUtilities.RemoveQuotes(disposition.Name).ToString();
                var field = fields.FirstOrDefault(f => f.Name == name);
                if (field is null)
                {
                    var (skipped, _) = await ReadBoundedAsync(section.Body, OtherPartBytes, ct);
                    if (!skipped)
                    {
                        return (null, new(StatusCodes.Status413PayloadTooLarge, formField, "A part the form does not use is too large."));
                    }

                    continue;
                }

                if (form._files.ContainsKey(field.Name) || form._texts.ContainsKey(field.Name))
                {
                    return (null, new(StatusCodes.Status400BadRequest, field.Name, $"Send exactly one part named '{field.Name}', not several."));
                }

                var (withinLimit, bytes) = await ReadBoundedAsync(section.Body, field.MaxBytes, ct);
                if (!withinLimit)
                {
                    return (null, field.TooLarge);
                }

                if (field.IsText)
                {
                    form._texts[field.Name] = Encoding.UTF8.GetString(bytes.Span);
                }
                else
                {
                    form._files[field.Name] = bytes;
                    if (HeaderUtilities.RemoveQuotes(disposition!.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName) is { Length: > 0 } fileName)
                    {
                        form._fileNames[field.Name] = fileName.ToString();
                    }
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException || (ex is IOException && ex is not BadHttpRequestException))
        {
            // The multipart reader's own complaints: a bad boundary line, too many or too long part headers, a body
            // that ends inside a part. A body over the route's limit (BadHttpRequestException) stays a 413.
            return (null, new(StatusCodes.Status400BadRequest, formField, "The multipart body is malformed or ends early."));
        }

        return (form, null);
    }

    /// <summary>
    /// Reads at most <paramref name="limit"/> + 1 bytes of <paramref name="content"/>; <c>WithinLimit</c> is false when
    /// that last byte arrived, and then the bytes are dropped. The bytes are the read buffer's, not a copy of it.
    /// </summary>
    public static async Task<(bool WithinLimit, ReadOnlyMemory<byte> Bytes)> ReadBoundedAsync(Stream content, long limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await content.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit + 1 - buffer.Length)), ct)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > limit)
                {
                    return (false, ReadOnlyMemory<byte>.Empty);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return (true, buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }
}
