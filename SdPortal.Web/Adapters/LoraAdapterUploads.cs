using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Data.Adapters;
using SdPortal.Data.Images;
using SdPortal.Inference.Imaging;
using SdPortal.Inference.Lora;
using SdPortal.Web.Api;
using SdPortal.Web.Inputs;

namespace SdPortal.Web.Adapters;

/// <summary>
/// The LoRA adapters of the scope's tenant, for the REST API and the Adapters page alike: upload (size within the
/// plan, fields, count, name, then the file: a pickle is refused, the safetensors parsed, matched against the
/// catalogue; the preview checked as an input image; only then the files and the row), list, find, open, change and
/// delete. Who may do what is <see cref="LoraAdapterAccess"/>'s rule alone.
/// </summary>
public sealed partial class LoraAdapterUploads(
    PortalDbContext db,
    IImageStore store,
    LoraAdapterAccess access,
    LoraModelMatcher matcher,
    InputImageUploads images,
    IOptions<AdapterOptions> options,
    TimeProvider time,
    ILogger<LoraAdapterUploads> logger)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>The most unmatched keys a refusal names.</summary>
    public const int MaxKeysNamed = 10;

    public const string NameField = "name";
    public const string TriggerWordsField = "triggerWords";
    public const string FileField = "file";
    public const string PreviewField = "preview";
    public const string SharedField = "shared";

    /// <summary>What a name must look like: what <c>&lt;lora:name:w&gt;</c> can hold without quoting.</summary>
    public const string NameRule = "1 to 64 of A–Z, a–z, 0–9, '_', '.' and '-', starting with a letter or digit";

    /// <summary>The extensions of PyTorch's pickle checkpoints.</summary>
    private static readonly string[] PickleExtensions = [".ckpt", ".pt", ".pth", ".bin"];

    /// <summary>The tenant's limits as they apply on this node, and how many adapters it keeps.</summary>
    public async Task<LoraAdapterLimits> LimitsAsync(CancellationToken ct)
    {
        var limits = await db.TenantLimits.AsNoTracking().SingleAsync(ct);
        return new LoraAdapterLimits(Math.Min(limits.MaxAdapterBytes, options.Value.MaxBytes), limits.MaxAdapters, await db.LoraAdapters.CountAsync(ct));
    }

    /// <summary>
    /// Reads at most the tenant's file limit + 1 bytes of <paramref name="file"/> (the page's path; the API's reads its
    /// multipart body the same way), then <see cref="UploadAsync(Guid, Guid, LoraUploadRequest, CancellationToken)"/>.
    /// </summary>
    public async Task<LoraOutcome> UploadAsync(Guid tenantId, Guid userId, LoraUploadRequest request, Stream file, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var limits = await LimitsAsync(ct);
        var (withinLimit, bytes) = await MultipartForm.ReadBoundedAsync(file, limits.MaxBytes, ct);
        return withinLimit ? await UploadAsync(tenantId, userId, request with { File = bytes }, ct) : TooLarge(limits.MaxBytes);
    }

    /// <summary>Stores <paramref name="request"/>'s adapter under <paramref name="tenantId"/> for <paramref name="userId"/>; a refusal stores nothing.</summary>
    public async Task<LoraOutcome> UploadAsync(Guid tenantId, Guid userId, LoraUploadRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var limits = await LimitsAsync(ct);
        if (request.File.Length > limits.MaxBytes)
        {
            return TooLarge(limits.MaxBytes);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = request.Name?.Trim();
        if (NameError(name) is { } nameError)
        {
            errors[NameField] = [nameError];
        }

        var triggerWords = NormalizeTriggerWords(request.TriggerWords, out var triggerError);
        if (triggerError is not null)
        {
            errors[TriggerWordsField] = [triggerError];
        }

        if (errors.Count > 0)
        {
            return new LoraOutcome.Refused(LoraRefusal.Invalid, errors);
        }

        if (limits.Count >= limits.MaxAdapters)
        {
            return TooMany(limits.MaxAdapters);
        }

        var normalized = LoraAdapter.Normalize(name!);
        if (await db.LoraAdapters.AnyAsync(a => a.NormalizedName == normalized, ct))
        {
            return NameTaken(name!);
        }

        if (IsPickle(request.FileName, request.File.Span))
        {
            return new LoraOutcome.Refused(LoraRefusal.UnsupportedType, FileField,
                "The file is a pickle checkpoint (.ckpt, .pt, .pth or .bin), which can run code when it is loaded; only .safetensors adapters are accepted "
                + "(convert one you trust with: python -c \"import sys, torch; from safetensors.torch import save_file; save_file(torch.load(sys.argv[1]), sys.argv[2])\" adapter.pt adapter.safetensors).");
        }

        LoraWeights weights;
        try
        {
            weights = LoraWeights.Parse(request.File);
        }
        catch (LoraFormatException ex)
        {
            return new LoraOutcome.Refused(LoraRefusal.Invalid, FileField, ex.Message);
        }

        var compatibility = matcher.MatchAll(weights);
        if (compatibility.FitsNothing)
        {
            return new LoraOutcome.Refused(LoraRefusal.Unusable, FileField, FitsNoModel(compatibility));
        }

        InputImageInfo? preview = null;
        if (request.Preview is { } previewBytes)
        {
            if (images.Check(previewBytes.Span, out var info) is { } refused)
            {
                return new LoraOutcome.Refused(refused.Reason switch
                {
                    UploadRefusal.TooLarge => LoraRefusal.TooLarge,
                    UploadRefusal.NotAnAcceptedFormat => LoraRefusal.UnsupportedType,
                    _ => LoraRefusal.Unusable,
                }, PreviewField, $"The preview: {refused.Message}");
            }

            preview = info;
        }

        return await StoreAsync(tenantId, userId, request, name!, triggerWords, weights, compatibility, preview, ct);
    }

    private async Task<LoraOutcome> StoreAsync(
        Guid tenantId, Guid userId, LoraUploadRequest request, string name, string? triggerWords, LoraWeights weights,
        LoraCompatibility compatibility, InputImageInfo? preview, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var stored = await store.SaveAsync(tenantId, id, request.File, "safetensors", ct);
        var storedPreview = preview is null ? null : await store.SaveAsync(tenantId, id, request.Preview!.Value, preview.Format, ct);
        var adapter = new LoraAdapter
        {
            Id = id,
            TenantId = tenantId,
            UserId = userId,
            Name = name,
            NormalizedName = LoraAdapter.Normalize(name),
            TriggerWords = triggerWords,
            ContentPath = stored.ContentPath,
            ContentHash = stored.ContentHash,
            SizeBytes = stored.SizeBytes,
            Format = weights.Format == LoraFormat.Peft ? "peft" : "kohya",
            Rank = weights.Rank,
            ModuleCount = weights.ModuleCount,
            TargetsTextEncoder = weights.TargetsTextEncoder,
            CompatibleModels = [.. compatibility.Fitting],
            CheckedModels = [.. compatibility.Checked.Select(c => c.Model)],
            PreviewPath = storedPreview?.ContentPath,
            PreviewFormat = preview?.Format,
            CreatedAtUtc = Microseconds(time.GetUtcNow().UtcDateTime),
        };

        LoraOutcome? refusal = null;
        var committed = false;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // Uploads of one tenant take turns here (the limits row is locked until the commit; SQLite has one writer
            // anyway), so two racing uploads cannot both take the last free place.
            await db.TenantLimits.ExecuteUpdateAsync(s => s.SetProperty(l => l.MaxAdapters, l => l.MaxAdapters), ct);
            var limits = await db.TenantLimits.AsNoTracking().SingleAsync(ct);
            if (await db.LoraAdapters.CountAsync(ct) >= limits.MaxAdapters)
            {
                refusal = TooMany(limits.MaxAdapters);
            }
            else
            {
                db.LoraAdapters.Add(adapter);
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                committed = true;
            }
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            refusal = NameTaken(name); // another upload took the name since the check
        }
        finally
        {
            if (!committed)
            {
                db.Entry(adapter).State = EntityState.Detached;
                DeleteFiles(tenantId, stored.ContentPath, storedPreview?.ContentPath); // no row, no file
            }
        }

        if (refusal is not null)
        {
            return refusal;
        }

        LogStored(logger, adapter.Id, tenantId, userId, adapter.Name, adapter.Format, adapter.Rank, adapter.ModuleCount, adapter.SizeBytes,
            string.Join(", ", adapter.CompatibleModels));
        return new LoraOutcome.Stored(adapter);
    }

    /// <summary>The adapter, or null when the caller does not see it (unknown, another member's unshared one, another tenant's).</summary>
    public Task<LoraAdapter?> FindAsync(Guid id, Guid userId, bool isAdmin, CancellationToken ct) =>
        access.VisibleTo(userId, isAdmin).SingleOrDefaultAsync(a => a.Id == id, ct);

    /// <summary>The adapters the caller sees, newest first, keyset-paged by id (version-7 ids grow with time).</summary>
    public async Task<LoraAdapterPage> PageAsync(Guid userId, bool isAdmin, Guid? cursor, int pageSize, CancellationToken ct)
    {
        var rows = access.VisibleTo(userId, isAdmin);
        if (cursor is { } after)
        {
            rows = rows.Where(a => a.Id.CompareTo(after) < 0);
        }

        var size = Math.Clamp(pageSize, 1, MaxPageSize);
        var found = await rows.OrderByDescending(a => a.Id).Take(size + 1).ToListAsync(ct);
        var items = found.Take(size).Select(a => LoraAdapterResponse.From(a, userId)).ToList();
        return new LoraAdapterPage(items, found.Count > size ? items[^1].Id.ToString() : null);
    }

    /// <summary>The adapter's file, or null when it is gone.</summary>
    public Stream? OpenRead(LoraAdapter adapter) => store.OpenRead(adapter.TenantId, adapter.ContentPath);

    /// <summary>The adapter's preview image, or null when it has none (or it is gone).</summary>
    public Stream? OpenPreview(LoraAdapter adapter) => adapter.PreviewPath is { } path ? store.OpenRead(adapter.TenantId, path) : null;

    /// <summary>
    /// Renames, re-describes or (admins) shares an adapter the caller sees: 403 for one they may not change or a
    /// member's change of sharing; the same field rules as an upload; a name taken by another of the tenant's is 409.
    /// </summary>
    public async Task<LoraOutcome> UpdateAsync(Guid id, Guid userId, bool isAdmin, LoraAdapterPatch patch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = patch.Name?.Trim();
        if (patch.Name is not null && NameError(name) is { } nameError)
        {
            errors[NameField] = [nameError];
        }

        var triggerWords = NormalizeTriggerWords(patch.TriggerWords, out var triggerError);
        if (triggerError is not null)
        {
            errors[TriggerWordsField] = [triggerError];
        }

        if (errors.Count > 0)
        {
            return new LoraOutcome.Refused(LoraRefusal.Invalid, errors);
        }

        if (await FindAsync(id, userId, isAdmin, ct) is null
            || await db.LoraAdapters.SingleOrDefaultAsync(a => a.Id == id, ct) is not { } adapter)
        {
            return new LoraOutcome.NotFound();
        }

        if (!LoraAdapterAccess.CanChange(adapter, userId, isAdmin))
        {
            return new LoraOutcome.Refused(LoraRefusal.Forbidden, NameField, "Only its uploader or an admin of the tenant may change this adapter.");
        }

        if (patch.Shared is { } shared && shared != adapter.SharedWithTenant && !LoraAdapterAccess.CanShare(isAdmin))
        {
            return new LoraOutcome.Refused(LoraRefusal.Forbidden, SharedField, "Only an admin of the tenant shares an adapter with every member, or stops sharing it.");
        }

        adapter.Name = name ?? adapter.Name;
        adapter.NormalizedName = LoraAdapter.Normalize(adapter.Name);
        adapter.TriggerWords = patch.TriggerWords is null ? adapter.TriggerWords : triggerWords;
        adapter.SharedWithTenant = patch.Shared ?? adapter.SharedWithTenant;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return NameTaken(adapter.Name);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new LoraOutcome.NotFound(); // deleted meanwhile
        }

        LogUpdated(logger, adapter.Id, adapter.TenantId, userId, adapter.Name, adapter.SharedWithTenant);
        return new LoraOutcome.Stored(adapter);
    }

    /// <summary>Deletes the row, then the files: <see cref="LoraOutcome.Stored"/> with the deleted row, or why not.</summary>
    public async Task<LoraOutcome> DeleteAsync(Guid id, Guid userId, bool isAdmin, CancellationToken ct)
    {
        if (await FindAsync(id, userId, isAdmin, ct) is null
            || await db.LoraAdapters.SingleOrDefaultAsync(a => a.Id == id, ct) is not { } adapter)
        {
            return new LoraOutcome.NotFound();
        }

        if (!LoraAdapterAccess.CanChange(adapter, userId, isAdmin))
        {
            return new LoraOutcome.Refused(LoraRefusal.Forbidden, FileField, "Only its uploader or an admin of the tenant may delete this adapter.");
        }

        db.LoraAdapters.Remove(adapter);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new LoraOutcome.NotFound(); // deleted meanwhile by another request; that one removes the files
        }

        DeleteFiles(adapter.TenantId, adapter.ContentPath, adapter.PreviewPath);
        LogDeleted(logger, adapter.Id, adapter.TenantId, userId);
        return new LoraOutcome.Stored(adapter);
    }

    /// <summary>Why <paramref name="name"/> (trimmed) cannot name an adapter, or null when it can.</summary>
    public static string? NameError(string? name) => name switch
    {
        null or "" => $"Give the adapter a name: {NameRule}.",
        { Length: > LoraAdapter.MaxNameLength } => $"is {name.Length} characters long; use {NameRule}.",
        _ when !NamePattern().IsMatch(name) => $"may hold only {NameRule}.",
        _ => null,
    };

    /// <summary>The media type of a stored preview format.</summary>
    public static string PreviewContentType(string format) => InputImageUploads.ContentTypeOf(format);

    /// <summary>
    /// Whether the file is a PyTorch pickle checkpoint, by its claimed extension or its bytes: a zip (torch.save since
    /// 1.6) or a pickle protocol 2–5 marker. A safetensors file whose header is, say, 640 bytes long also starts with
    /// 0x80 0x02 (its length, little-endian), so the marker counts only when the bytes are not a plausible safetensors
    /// start: a header length within the file followed by '{'.
    /// </summary>
    public static bool IsPickle(string? fileName, ReadOnlySpan<byte> file)
    {
        if (fileName is not null && PickleExtensions.Any(e => fileName.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        if (file.StartsWith("PK\x03\x04"u8))
        {
            return true;
        }

        var pickleMarker = file.Length >= 2 && file[0] == 0x80 && file[1] is >= 2 and <= 5;
        var safetensorsStart = file.Length > 8 && System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(file) <= (ulong)(file.Length - 8) && file[8] == (byte)'{';
        return pickleMarker && !safetensorsStart;
    }

    private static string? NormalizeTriggerWords(string? value, out string? error)
    {
        error = null;
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        if (trimmed.Length > LoraAdapter.MaxTriggerWordsLength)
        {
            error = $"are {trimmed.Length} characters long; use at most {LoraAdapter.MaxTriggerWordsLength}.";
        }
        else if (trimmed.Any(char.IsControl))
        {
            error = "may not hold control characters (line breaks, tabs, escapes).";
        }

        return trimmed;
    }

    private static string FitsNoModel(LoraCompatibility compatibility)
    {
        var closest = compatibility.Checked.OrderBy(c => c.Match.UnmatchedKeys.Count + c.Match.Mismatched.Count).First();
        var parts = new List<string>();
        if (closest.Match.UnmatchedKeys.Count > 0)
        {
            parts.Add($"{closest.Match.UnmatchedKeys.Count} of its keys match no weight of model '{closest.Model}': {Listed(closest.Match.UnmatchedKeys)}");
        }

        if (closest.Match.Mismatched.Count > 0)
        {
            parts.Add($"{closest.Match.Mismatched.Count} do not have the shape of the weight they name: {Listed(closest.Match.Mismatched)}");
        }

        var models = string.Join(", ", compatibility.Checked.Select(c => c.Model));
        return $"The adapter fits no model of this portal ({models}); {string.Join("; ", parts)}.";
    }

    private static string Listed(IReadOnlyList<string> keys) =>
        string.Join(", ", keys.Take(MaxKeysNamed).Select(Inference.Pipeline.GenerationSpec.Quote))
        + (keys.Count > MaxKeysNamed ? $" and {keys.Count - MaxKeysNamed} more" : string.Empty);

    private void DeleteFiles(Guid tenantId, string contentPath, string? previewPath)
    {
        store.Delete(tenantId, contentPath);
        if (previewPath is not null)
        {
            store.Delete(tenantId, previewPath);
        }
    }

    private static LoraOutcome.Refused TooLarge(long maxBytes) =>
        new(LoraRefusal.TooLarge, FileField, $"The file is over this plan's limit of {maxBytes} bytes for an adapter.");

    private static LoraOutcome.Refused TooMany(int maxAdapters) =>
        new(LoraRefusal.Conflict, FileField, $"The tenant keeps {maxAdapters} LoRA adapters, the most its plan allows; delete one first.");

    private static LoraOutcome.Refused NameTaken(string name) =>
        new(LoraRefusal.Conflict, NameField, $"is taken: the tenant already has an adapter named {Inference.Pipeline.GenerationSpec.Quote(name)} (names differ in more than case).");

    /// <summary>PostgreSQL keeps microseconds: the upload's answer shows the time every later read returns.</summary>
    private static DateTime Microseconds(DateTime value) => value.AddTicks(-(value.Ticks % (TimeSpan.TicksPerMillisecond / 1000)));

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [LoggerMessage(Level = LogLevel.Information,
        Message = "LoRA adapter {AdapterId} '{Name}' of tenant {TenantId} uploaded by user {UserId}: {Format}, rank {Rank}, {Modules} modules, {SizeBytes} bytes; fits {Models}")]
    private static partial void LogStored(ILogger logger, Guid adapterId, Guid tenantId, Guid userId, string name, string format, int rank, int modules, long sizeBytes, string models);

    [LoggerMessage(Level = LogLevel.Information, Message = "LoRA adapter {AdapterId} of tenant {TenantId} changed by user {UserId}: '{Name}', shared {Shared}")]
    private static partial void LogUpdated(ILogger logger, Guid adapterId, Guid tenantId, Guid userId, string name, bool shared);

    [LoggerMessage(Level = LogLevel.Information, Message = "LoRA adapter {AdapterId} of tenant {TenantId} deleted by user {UserId}")]
    private static partial void LogDeleted(ILogger logger, Guid adapterId, Guid tenantId, Guid userId);
}
