using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SdPortal.Inference.Models;

/// <summary>
/// The short model hash A1111 writes as "Model hash" (its AutoV2 form: the first 10 hex digits of SHA-256), taken over
/// the UNet: unet/model.onnx, then any external-weight files beside it in ordinal name order, so that two fine-tunes
/// sharing a graph but not weights still differ.
/// Reading 3.4 GB takes 2 s from the page cache and 9 s cold (issue 18), so the hash is never computed on an image's
/// path: <see cref="Start"/> begins it in the background when a model opens, and each result is kept for the life of the
/// process under the files' names, lengths and modification times — a host that closes and reopens a model, or opens
/// it on a second device, hashes it once; a replaced file is hashed again.
/// </summary>
internal static class UNetHash
{
    private const int ShortLength = 10;
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Known = new(StringComparer.Ordinal);

    /// <summary>The hash of the UNet whose graph is <paramref name="unetModelPath"/>, started now unless already known.</summary>
    public static Task<string> Start(string unetModelPath)
    {
        var files = Files(unetModelPath);
        var signature = string.Join('\n', files.Select(f => new FileInfo(f)).Select(f => $"{f.FullName}|{f.Length}|{f.LastWriteTimeUtc.Ticks}"));
        var hash = Known.GetOrAdd(signature, _ => new Lazy<Task<string>>(() => Task.Run(() => Compute(files))));
        if (hash.Value.IsFaulted)
        {
            // An unreadable file is reported by the image that needed the hash; the next open tries again.
            Known.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(signature, hash));
        }

        return hash.Value;
    }

    private static List<string> Files(string unetModelPath)
    {
        var directory = Path.GetDirectoryName(unetModelPath)!;
        var externalWeights = Directory.EnumerateFiles(directory)
            .Where(f => !string.Equals(f, unetModelPath, StringComparison.Ordinal))
            .Where(f => !string.Equals(Path.GetExtension(f), ".json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        return [unetModelPath, .. externalWeights];
    }

    private static string Compute(IReadOnlyList<string> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                sha.AppendData(buffer, 0, read);
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset())[..ShortLength];
    }
}
