using System.Security.Cryptography;

namespace SdPortal.Data.Images;

/// <summary>
/// Images (and LoRA adapters) as files under <c>{DataDirectory}/images/{tenant}/{id}.{png|jpeg|webp|safetensors}</c>, written to a temporary name and moved into
/// place so readers never see half a file. Paths are checked to stay inside the tenant's folder.
/// </summary>
internal sealed class FileImageStore(PortalStorage storage) : IImageStore
{
    private readonly string _root = Path.Combine(storage.DataDirectory, "images");

    public async Task<StoredImage> SaveAsync(Guid tenantId, Guid imageId, ReadOnlyMemory<byte> content, string extension, CancellationToken cancellationToken = default)
    {
        if (extension is not ("png" or "jpeg" or "webp" or "safetensors"))
        {
            throw new ArgumentOutOfRangeException(nameof(extension), extension, "Files are stored as png, jpeg, webp or safetensors.");
        }

        var contentPath = $"{tenantId:N}/{imageId:N}.{extension}";
        var fullPath = Path.Combine(_root, contentPath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var temporary = fullPath + ".tmp";
        await File.WriteAllBytesAsync(temporary, content, cancellationToken);
        File.Move(temporary, fullPath, overwrite: true);
        return new StoredImage(contentPath, Convert.ToHexStringLower(SHA256.HashData(content.Span)), content.Length);
    }

    public Stream? OpenRead(Guid tenantId, string contentPath) =>
        Resolve(tenantId, contentPath) is { } path && File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true)
            : null;

    public void Delete(Guid tenantId, string contentPath)
    {
        if (Resolve(tenantId, contentPath) is { } path)
        {
            File.Delete(path);
        }
    }

    private string? Resolve(Guid tenantId, string contentPath)
    {
        var tenantFolder = Path.GetFullPath(Path.Combine(_root, tenantId.ToString("N"))) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(_root, contentPath));
        return full.StartsWith(tenantFolder, StringComparison.Ordinal) ? full : null;
    }
}
