using SdPortal.Data.Inputs;

namespace SdPortal.Web.Inputs;

/// <summary>An input image as the API returns it and the Create page shows it.</summary>
public sealed record InputImageResponse(Guid Id, string Format, int Width, int Height, long SizeBytes, DateTime CreatedAtUtc)
{
    /// <summary>The row as the API shows it; the time marked UTC, as it is stored (SQLite reads it back without a kind).</summary>
    public static InputImageResponse From(InputImage image) =>
        new(image.Id, image.Format, image.Width, image.Height, image.SizeBytes, DateTime.SpecifyKind(image.CreatedAtUtc, DateTimeKind.Utc));
}

/// <summary>A page of the caller's input images, newest first; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record InputImagePage(IReadOnlyList<InputImageResponse> Items, string? NextCursor);

/// <summary>Why an upload was refused; nothing was stored.</summary>
public enum UploadRefusal
{
    /// <summary>Over <see cref="InputImageOptions.MaxBytes"/> (413).</summary>
    TooLarge,

    /// <summary>Not a PNG, JPEG or WebP file by its bytes (415).</summary>
    NotAnAcceptedFormat,

    /// <summary>A PNG, JPEG or WebP that does not decode, or is over the pixel or side limit (422).</summary>
    Unusable,

    /// <summary>The member already keeps <see cref="InputImageOptions.MaxPerMember"/> input images (409).</summary>
    TooMany,
}

/// <summary>What an upload came to; exactly one of the cases.</summary>
public abstract record UploadOutcome
{
    /// <summary>The file and its row are stored.</summary>
    public sealed record Stored(InputImage Image) : UploadOutcome;

    /// <summary>Refused with a message a user may read; nothing stored.</summary>
    public sealed record Refused(UploadRefusal Reason, string Message) : UploadOutcome;
}
