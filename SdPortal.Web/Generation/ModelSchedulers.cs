using System.Collections.Concurrent;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Models;
using SdPortal.Inference.Schedulers;

namespace SdPortal.Web.Generation;

/// <summary>
/// Each catalogue model's scheduler config, for admission: the spec's sampler limits (LCM's step ceiling, a prediction
/// type a sampler cannot use) are checked against the config the worker will build the scheduler from. A web node
/// without the model's files (hosts hold them) checks against the schedulers' class defaults, which is what a folder
/// without a scheduler_config.json gets too.
/// </summary>
public sealed class ModelSchedulers(ModelCatalog models)
{
    private static readonly SchedulerConfig ClassDefaults = new();
    private readonly ConcurrentDictionary<string, SchedulerConfig> _configs = new(StringComparer.Ordinal);

    /// <summary>The scheduler config of model <paramref name="key"/>; the class defaults when its folder has none here.</summary>
    public SchedulerConfig For(string key)
    {
        if (_configs.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var entry = models.Entries.FirstOrDefault(e => e.Key == key);
        var path = entry is null ? null : new ModelFolderLayout(entry.Directory).SchedulerConfig;
        if (path is null || !File.Exists(path))
        {
            return ClassDefaults; // not cached: the folder may be written later (the tiny model is, on first use)
        }

        return _configs.GetOrAdd(key, _ => SchedulerConfig.Load(path));
    }
}
