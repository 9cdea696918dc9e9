using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SdPortal.Inference.Synthetic;

namespace SdPortal.Inference.Engine;

/// <summary>A model a request may name.</summary>
/// <param name="Key">The key requests use, e.g. "tiny-synthetic".</param>
/// <param name="Directory">The absolute folder of the diffusers ONNX files.</param>
/// <param name="IsSynthetic">Random weights: images are noise-like, and the UI says so.</param>
public sealed record ModelEntry(string Key, string Directory, bool IsSynthetic);

/// <summary>
/// Resolves model keys to folders. The built-in tiny synthetic model is written under the models directory the first
/// time it is needed (to a temporary folder, then moved into place, so concurrent processes never see half a model).
/// </summary>
public sealed partial class ModelCatalog(IOptions<ModelCatalogOptions> options, ILogger<ModelCatalog> logger)
{
    /// <summary>Renamed whenever the synthetic writer's output changes (v2: with a VAE encoder), so a tiny model an
    /// older version left on disk is never taken for the current one.</summary>
    private const string TinyFolder = "tiny-v2";
    private readonly Lock _writeLock = new();

    /// <summary>Every model key, the default first.</summary>
    public IReadOnlyList<ModelEntry> Entries => [.. Folders().Select(f => Describe(f.Key, f.Value))
        .OrderBy(e => e.Key == options.Value.Default ? 0 : 1).ThenBy(e => e.Key, StringComparer.Ordinal)];

    /// <summary>The key used when a request names none.</summary>
    public string DefaultKey => options.Value.Default;

    /// <summary>Whether <paramref name="key"/> names a model of the catalogue.</summary>
    public bool Contains(string key) => Folders().ContainsKey(key);

    /// <summary>The model folder of <paramref name="key"/>, ready to open: the tiny synthetic model is written first if missing.</summary>
    /// <exception cref="KeyNotFoundException">The key is not in the catalogue.</exception>
    public ModelEntry Prepare(string key)
    {
        if (!Folders().TryGetValue(key, out var folder))
        {
            throw new KeyNotFoundException($"Model '{key}' is not in the catalogue (Models:Catalogue).");
        }

        var entry = Describe(key, folder);
        if (key == ModelCatalogOptions.TinySyntheticKey && !File.Exists(Path.Combine(entry.Directory, "model_index.json")))
        {
            WriteTiny(entry.Directory);
        }

        return entry with { IsSynthetic = SyntheticModelFolder.IsSynthetic(entry.Directory) };
    }

    private Dictionary<string, string> Folders()
    {
        var folders = new Dictionary<string, string>(options.Value.Catalogue, StringComparer.Ordinal);
        folders.TryAdd(ModelCatalogOptions.TinySyntheticKey, TinyFolder);
        return folders;
    }

    private ModelEntry Describe(string key, string folder)
    {
        var directory = Path.GetFullPath(Path.Combine(options.Value.Directory, folder));
        return new ModelEntry(key, directory, key == ModelCatalogOptions.TinySyntheticKey || SyntheticModelFolder.IsSynthetic(directory));
    }

    private void WriteTiny(string directory)
    {
        lock (_writeLock)
        {
            if (File.Exists(Path.Combine(directory, "model_index.json")))
            {
                return;
            }

            var temporary = $"{directory}.tmp-{Guid.NewGuid():N}";
            var summary = SyntheticModelFolder.Write(SyntheticModelConfig.Tiny, temporary, new SyntheticWriteOptions());
            Directory.CreateDirectory(Path.GetDirectoryName(directory)!);
            try
            {
                Directory.Move(temporary, directory);
                LogWrote(logger, directory, summary.Seconds);
            }
            catch (IOException) when (File.Exists(Path.Combine(directory, "model_index.json")))
            {
                // Another process wrote it first; theirs is byte-identical (seeded), so ours goes.
                Directory.Delete(temporary, recursive: true);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote the tiny synthetic model (random weights) to {Directory} in {Seconds:F1} s")]
    private static partial void LogWrote(ILogger logger, string directory, double seconds);
}
