using System.Collections.Concurrent;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Lora;
using SdPortal.Inference.Models;

namespace SdPortal.Web.Adapters;

/// <summary>How an adapter met one catalogue model's weights.</summary>
public sealed record ModelFit(string Model, LoraMatch Match);

/// <summary>An adapter matched against every catalogue model this node holds.</summary>
/// <param name="Checked">The models held here, each with its match.</param>
/// <param name="NotHeldHere">Catalogue models whose folders this node lacks (inference hosts hold them): not judged.</param>
public sealed record LoraCompatibility(IReadOnlyList<ModelFit> Checked, IReadOnlyList<string> NotHeldHere)
{
    /// <summary>The models it fits.</summary>
    public IReadOnlyList<string> Fitting => [.. Checked.Where(c => c.Match.Fits).Select(c => c.Model)];

    /// <summary>Every catalogue model was judged here and none fits: the adapter is of no use on this portal.</summary>
    public bool FitsNothing => NotHeldHere.Count == 0 && Fitting.Count == 0;
}

/// <summary>
/// Matches adapters against the catalogue models whose folders this node holds, like <c>ModelCapabilities</c>: a model
/// a web node lacks (hosts hold it) is not judged here. One <see cref="ModelWeightIndex"/> per model folder, built on
/// first use, once, whatever the concurrency (it parses the ONNX files); a folder that cannot be read is skipped and
/// tried again next time.
/// </summary>
public sealed partial class LoraModelMatcher(ModelCatalog models, ILogger<LoraModelMatcher> logger)
{
    private readonly ConcurrentDictionary<string, Lazy<ModelWeightIndex>> _indexes = new(StringComparer.Ordinal);

    /// <summary><paramref name="weights"/> matched against every catalogue model held here.</summary>
    public LoraCompatibility MatchAll(LoraWeights weights)
    {
        var fits = new List<ModelFit>();
        var notHeld = new List<string>();
        foreach (var entry in models.Entries)
        {
            if (Match(entry.Key, weights) is { } match)
            {
                fits.Add(new ModelFit(entry.Key, match));
            }
            else
            {
                notHeld.Add(entry.Key);
            }
        }

        return new LoraCompatibility(fits, notHeld);
    }

    /// <summary><paramref name="weights"/> matched against model <paramref name="key"/>; null when this node cannot tell.</summary>
    public LoraMatch? Match(string key, LoraWeights weights) => IndexOf(key)?.Match(weights);

    /// <summary>Whether this node holds model <paramref name="key"/>'s folder and can read its weights.</summary>
    public bool Holds(string key) => IndexOf(key) is not null;

    private ModelWeightIndex? IndexOf(string key)
    {
        if (Folder(key) is not { } folder)
        {
            return null;
        }

        var index = _indexes.GetOrAdd(folder, f => new Lazy<ModelWeightIndex>(() => ModelWeightIndex.ForFolder(f), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return index.Value;
        }
        catch (ModelLoadException ex)
        {
            // Not cached: a folder being written or repaired is read again next time.
            _indexes.TryRemove(new KeyValuePair<string, Lazy<ModelWeightIndex>>(folder, index));
            LogUnreadable(logger, key, ex.Message);
            return null;
        }
    }

    /// <summary>
    /// The folder of model <paramref name="key"/> when this node holds it. The built-in tiny model is written here if
    /// missing, as the engine would on its first job, so the embedded portal judges adapters before any job ran.
    /// </summary>
    private string? Folder(string key)
    {
        if (!models.Contains(key))
        {
            return null;
        }

        var entry = key == ModelCatalogOptions.TinySyntheticKey ? models.Prepare(key) : models.Entries.First(e => e.Key == key);
        return File.Exists(Path.Combine(entry.Directory, "model_index.json")) ? entry.Directory : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Adapters cannot be matched against model {Model} on this node: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string model, string reason);
}
