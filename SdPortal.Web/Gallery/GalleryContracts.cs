using SdPortal.Inference.Pipeline;

namespace SdPortal.Web.Gallery;

/// <summary>
/// Which images to list, newest first. <see cref="From"/> and <see cref="To"/> are UTC instants (To exclusive);
/// <see cref="WholeTenant"/> lists every member's images and is honoured for admins only.
/// </summary>
public sealed record GalleryQuery(
    string? Prompt = null,
    DateTime? From = null,
    DateTime? To = null,
    string? Model = null,
    bool WholeTenant = false,
    Guid? Cursor = null,
    int PageSize = GalleryReader.DefaultPageSize);

/// <summary>One image with the spec that made it (the PNG's own "parameters" text says the same).</summary>
public sealed record GalleryItem(
    Guid ImageId,
    Guid JobId,
    string Url,
    int Index,
    long Seed,
    int Width,
    int Height,
    string Prompt,
    string Model,
    bool ModelIsSynthetic,
    GenerationSpec Spec,
    long SizeBytes,
    DateTime CreatedAtUtc,
    string? OwnerEmail);

/// <summary>A page of images; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record GalleryPage(IReadOnlyList<GalleryItem> Items, string? NextCursor);
