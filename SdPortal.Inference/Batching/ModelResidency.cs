namespace SdPortal.Inference.Batching;

/// <summary>
/// Which models' sessions may stay open on a device within a memory budget. Opening a model that does not fit evicts
/// idle models (no job running on them), least recently used first; a model with jobs running is never evicted. When
/// even that cannot make room the model is admitted over budget (the caller logs it): refusing would fail the job,
/// and the CUDA out-of-memory retry (<see cref="OutOfMemoryRetry"/>) still protects the running calls.
/// Not thread-safe: the owner serialises calls.
/// </summary>
/// <param name="budgetBytes">Device memory the models may use; 0 means no limit.</param>
internal sealed class ModelResidency(long budgetBytes)
{
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
        }
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
    }
}
