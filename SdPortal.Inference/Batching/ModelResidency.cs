namespace SdPortal.Inference.Batching;

/// <summary>
/// Which models' sessions may stay open on a device within a memory budget. Opening a model that does not fit evicts
/// idle models (no job running on them), least recently used first; a model with jobs running is never evicted. When
/// even that cannot make room the model is admitted over budget (the caller logs it): refusing would fail the job,
/// and the CUDA out-of-memory retry (<see cref="OutOfMemoryRetry"/>) still protects the running calls.
/// Idle models also go once no job has used them for a while (<see cref="EvictIdleFor"/>).
/// Not thread-safe: the owner serialises calls.
/// </summary>
/// <param name="budgetBytes">Device memory the models may use; 0 means no limit.</param>
/// <param name="time">The clock of <see cref="EvictIdleFor"/>; the system clock when null.</param>
internal sealed class ModelResidency(long budgetBytes, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<string, Entry> _models = new(StringComparer.Ordinal);
    private long _clock;

    /// <summary>Bytes held by the resident models.</summary>
    public long UsedBytes => _models.Values.Sum(m => m.Bytes);

    /// <summary>The resident models.</summary>
    public IReadOnlyCollection<string> Resident => _models.Keys;

    /// <summary>
    /// Marks <paramref name="model"/> (of <paramref name="bytes"/>) resident and in use by one more job, and returns the
    /// idle models to close first (empty when it was resident or fits).
    /// </summary>
    public IReadOnlyList<string> Acquire(string model, long bytes)
    {
        var now = ++_clock;
        if (_models.TryGetValue(model, out var resident))
        {
            resident.Jobs++;
            resident.LastUsed = now;
            return [];
        }

        var evict = new List<string>();
        if (budgetBytes > 0)
        {
            var free = budgetBytes - UsedBytes;
            foreach (var idle in _models.Where(m => m.Value.Jobs == 0).OrderBy(m => m.Value.LastUsed).Select(m => m.Key).ToList())
            {
                if (free >= bytes)
                {
                    break;
                }

                free += _models[idle].Bytes;
                _models.Remove(idle);
                evict.Add(idle);
            }
        }

        _models[model] = new Entry(bytes) { Jobs = 1, LastUsed = now };
        return evict;
    }

    /// <summary>A job on <paramref name="model"/> finished; the model stays resident, idle, until evicted.</summary>
    public void Release(string model)
    {
        if (_models.TryGetValue(model, out var resident) && resident.Jobs > 0)
        {
            resident.Jobs--;
            resident.LastUsed = ++_clock;
            resident.ReleasedAt = _time.GetUtcNow();
        }
    }

    /// <summary>
    /// Forgets and returns the models that have had no job running for at least <paramref name="idle"/>, for the
    /// caller to close; a model with a job running is never among them.
    /// </summary>
    public IReadOnlyList<string> EvictIdleFor(TimeSpan idle)
    {
        var now = _time.GetUtcNow();
        var evict = _models.Where(m => m.Value.Jobs == 0 && now - m.Value.ReleasedAt >= idle).Select(m => m.Key).ToList();
        foreach (var model in evict)
        {
            _models.Remove(model);
        }

        return evict;
    }

    /// <summary>
    /// Forgets <paramref name="model"/> if no job holds it: its sessions failed to open, so it occupies nothing.
    /// </summary>
    public void Remove(string model)
    {
        if (_models.TryGetValue(model, out var resident) && resident.Jobs == 0)
        {
            _models.Remove(model);
        }
    }

    /// <summary>The budget in bytes; 0 when there is none.</summary>
    public long BudgetBytes => budgetBytes;

    /// <summary>Whether the resident models exceed the budget (a model was admitted over it).</summary>
    public bool OverBudget => budgetBytes > 0 && UsedBytes > budgetBytes;

    private sealed class Entry(long bytes)
    {
        public long Bytes => bytes;

        public int Jobs { get; set; }

        public long LastUsed { get; set; }

        /// <summary>When the last job on it finished (meaningful while <see cref="Jobs"/> is 0).</summary>
        public DateTimeOffset ReleasedAt { get; set; }
    }
}
