using System.Security.Cryptography;

namespace SdPortal.Inference.Models;

/// <summary>
/// The short model hash A1111 writes as "Model hash" (its AutoV2 form: the first 10 hex digits of SHA-256), taken over
/// the UNet: unet/model.onnx, then any external-weight files beside it in ordinal name order, so that two fine-tunes
/// sharing a graph but not weights still differ.
/// </summary>
internal static class UNetHash
{
    private const int ShortLength = 10;

    /// <summary>Hashes the UNet whose graph is <paramref name="unetModelPath"/>.</summary>
    public static string Compute(string unetModelPath)
    {
        var directory = Path.GetDirectoryName(unetModelPath)!;
        var externalWeights = Directory.EnumerateFiles(directory)
            .Where(f => !string.Equals(f, unetModelPath, StringComparison.Ordinal))
            .Where(f => !string.Equals(Path.GetExtension(f), ".json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (var file in externalWeights.Prepend(unetModelPath))
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
