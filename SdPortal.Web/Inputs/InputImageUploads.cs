using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Data.Images;
using SdPortal.Data.Inputs;
using SdPortal.Inference.Imaging;
using SdPortal.Web.Api;
using SdPortal.Web.Generation;

namespace SdPortal.Web.Inputs;

/// <summary>
/// The input images of the scope's tenant for their uploader, for the REST API and the Create page alike: upload
/// (bounded read, format by the bytes, one decode with the configured limits, then the file and its row), list,
/// find, open and delete. Which images a member may touch is <see cref="InputImageAccess.UsableBy"/>'s rule alone.
/// </summary>
public sealed partial class InputImageUploads(
    PortalDbContext db,
    IImageStore store,
    InputImageAccess access,
    IOptions<InputImageOptions> options,
    TimeProvider time,
    ILogger<InputImageUploads> logger)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>The largest file accepted, in bytes.</summary>
    public long MaxBytes => options.Value.MaxBytes;

    /// <summary>
    /// Reads at most <see cref="MaxBytes"/> + 1 bytes of <paramref name="content"/> (never more, whatever the caller
    /// sends); <c>WithinLimit</c> is false when that last byte arrived, and then the bytes are to be dropped.
    /// </summary>
    public async Task<(bool WithinLimit, byte[] Bytes)> ReadAsync(Stream content, CancellationToken ct)
    {
        var (withinLimit, bytes) = await MultipartForm.ReadBoundedAsync(content, MaxBytes, ct);
        return (withinLimit, withinLimit ? bytes.ToArray() : []);
    }

    /// <summary><see cref="ReadAsync"/>, then <see cref="UploadAsync(Guid, Guid, ReadOnlyMemory{byte}, CancellationToken)"/>.</summary>
    public async Task<UploadOutcome> UploadAsync(Guid tenantId, Guid userId, Stream content, CancellationToken ct)
    {
        var (withinLimit, file) = await ReadAsync(content, ct);
        return withinLimit ? await UploadAsync(tenantId, userId, file, ct) : TooLarge();
    }

    /// <summary>
    /// Proves <paramref name="file"/> usable by decoding it once with the configured limits, then stores it under
    /// <paramref name="tenantId"/> for <paramref name="userId"/>. A refusal stores nothing.
    /// </summary>
    public async Task<UploadOutcome> UploadAsync(Guid tenantId, Guid userId, ReadOnlyMemory<byte> file, CancellationToken ct)
    {
        var settings = options.Value;
        if (file.Length > settings.MaxBytes)
        {
            return TooLarge();
        }

        if (await access.UsableBy(userId).CountAsync(ct) >= settings.MaxPerMember)
        {
            return new UploadOutcome.Refused(UploadRefusal.TooMany,
                $"You keep {settings.MaxPerMember} input images, the most a member may; delete one first.");
        }

        if (Check(file.Span, out var info) is { } refused)
        {
            return refused;
        }

        var id = Guid.CreateVersion7();
        var stored = await store.SaveAsync(tenantId, id, file, info.Format, ct);
        var image = new InputImage
        {
            Id = id,
            TenantId = tenantId,
            UserId = userId,
            Format = info.Format,
            Width = info.Width,
            Height = info.Height,
            ContentPath = stored.ContentPath,
            ContentHash = stored.ContentHash,
            SizeBytes = stored.SizeBytes,
            CreatedAtUtc = Microseconds(time.GetUtcNow().UtcDateTime),
        };
        db.InputImages.Add(image);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            store.Delete(tenantId, stored.ContentPath); // no row, no file
            throw;
        }

        LogStored(logger, image.Id, tenantId, userId, image.Format, image.Width, image.Height, image.SizeBytes);
        return new UploadOutcome.Stored(image);
    }

    /// <summary>
    /// An upload's checks without storing anything: the size, the format by the bytes, one full decode with the
    /// configured limits (so a file that would fail a job, truncated or with too many pixels, fails here instead). Null
    /// and the image's <paramref name="info"/> when it passes. A LoRA adapter's preview image goes through these too.
    /// </summary>
    public UploadOutcome.Refused? Check(ReadOnlySpan<byte> file, out InputImageInfo info)
    {
        info = default!;
        var settings = options.Value;
        if (file.Length > settings.MaxBytes)
        {
            return TooLarge();
        }

        if (ImageFormatSniffer.Detect(file) is null)
        {
            return new UploadOutcome.Refused(UploadRefusal.NotAnAcceptedFormat, "The file is not a PNG, JPEG or WebP image.");
        }

        try
        {
            var pixels = InputImageDecoder.Decode(file, settings.ToLimits());
            info = InputImageDecoder.Probe(file) with { Width = pixels.Width, Height = pixels.Height };
            return null;
        }
        catch (InputImageException ex)
        {
            return new UploadOutcome.Refused(UploadRefusal.Unusable, $"The image cannot be used: {ex.Message}.");
        }
    }

    /// <summary>
    /// Copies a generated image the caller sees (their own; any of the tenant's for an admin, as the gallery shows
    /// them) into a new input image of theirs, through the same checks as an upload: the gallery's "send to img2img".
    /// Null when the caller cannot see that image, or its file is gone.
    /// </summary>
    public async Task<UploadOutcome?> CopyGeneratedAsync(Guid tenantId, Guid userId, bool isAdmin, Guid generatedImageId, CancellationToken ct)
    {
        var image = await db.GeneratedImages.AsNoTracking().OfJobs(db.GenerationJobs.VisibleTo(userId, isAdmin))
            .SingleOrDefaultAsync(i => i.Id == generatedImageId, ct);
        await using var file = image is null ? null : store.OpenRead(image.TenantId, image.ContentPath);
        return file is null ? null : await UploadAsync(tenantId, userId, file, ct);
    }

    /// <summary>The caller's input image, or null when it is unknown, another member's or another tenant's (R16).</summary>
    public Task<InputImage?> FindAsync(Guid id, Guid userId, CancellationToken ct) =>
        access.UsableBy(userId).SingleOrDefaultAsync(i => i.Id == id, ct);

    /// <summary>The file of <paramref name="image"/>, or null when it is gone.</summary>
    public Stream? OpenRead(InputImage image) => store.OpenRead(image.TenantId, image.ContentPath);

    /// <summary>The caller's input images, newest first, keyset-paged by id (version-7 ids grow with time).</summary>
    public async Task<InputImagePage> PageAsync(Guid userId, Guid? cursor, int pageSize, CancellationToken ct)
    {
        var rows = access.UsableBy(userId);
        if (cursor is { } after)
        {
            rows = rows.Where(i => i.Id.CompareTo(after) < 0);
        }

        var size = Math.Clamp(pageSize, 1, MaxPageSize);
        var found = await rows.OrderByDescending(i => i.Id).Take(size + 1).ToListAsync(ct);
        var items = found.Take(size).Select(InputImageResponse.From).ToList();
        return new InputImagePage(items, found.Count > size ? items[^1].Id.ToString() : null);
    }

    /// <summary>Deletes the row, then the file; false when the caller has no such image (or it is already gone).</summary>
    public async Task<bool> DeleteAsync(Guid id, Guid userId, CancellationToken ct)
    {
        if (await FindAsync(id, userId, ct) is not { } image)
        {
            return false;
        }

        db.InputImages.Remove(image);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return false; // deleted meanwhile by another request; that one removes the file
        }

        store.Delete(image.TenantId, image.ContentPath);
        LogDeleted(logger, image.Id, image.TenantId, userId);
        return true;
    }

    /// <summary>The media type of a stored format.</summary>
    public static string ContentTypeOf(string format) => format switch
    {
        "png" => "image/png",
        "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Input images are png, jpeg or webp."),
    };

    /// <summary>PostgreSQL keeps microseconds: the upload's answer shows the time every later read returns.</summary>
    private static DateTime Microseconds(DateTime value) => value.AddTicks(-(value.Ticks % (TimeSpan.TicksPerMillisecond / 1000)));

    private UploadOutcome.Refused TooLarge() =>
        new(UploadRefusal.TooLarge, $"The file is over the limit of {MaxBytes} bytes.");

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Input image {ImageId} of tenant {TenantId} uploaded by user {UserId}: {Format} {Width}x{Height}, {SizeBytes} bytes")]
    private static partial void LogStored(ILogger logger, Guid imageId, Guid tenantId, Guid userId, string format, int width, int height, long sizeBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Input image {ImageId} of tenant {TenantId} deleted by user {UserId}")]
    private static partial void LogDeleted(ILogger logger, Guid imageId, Guid tenantId, Guid userId);
}
