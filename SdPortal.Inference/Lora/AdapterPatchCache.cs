namespace SdPortal.Inference.Lora;

/// <summary>
/// The patched weights of the adapter sets a model's jobs use, built once per set and shared by every job of that set
/// (so their steps can batch), kept after use within a byte budget and evicted least recently used. A set in use is
/// never evicted; the budget may be passed while every set is in use.
/// </summary>
internal sealed class AdapterPatchCache : IDisposable
{
    private readonly PatchableModel _textEncoder;
    private readonly PatchableModel _unet;
    private readonly long _budgetBytes;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _clock;

    public AdapterPatchCache(PatchableModel textEncoder, PatchableModel unet, long budgetBytes)
    {
        _textEncoder = textEncoder;
        _unet = unet;
        _budgetBytes = budgetBytes;
        Index = new ModelWeightIndex(textEncoder.Weights, unet.Weights);
    }

    /// <summary>The weights adapters can patch, to check an adapter fits before a job relies on it.</summary>
    public ModelWeightIndex Index { get; }

    /// <summary>Bytes held by built sets.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _entries.Values.Where(e => e.Built is not null).Sum(e => e.Built!.Bytes);
            }
        }
    }

    /// <summary>Sets held (built or being built).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The patches of <paramref name="set"/>, built on first use; dispose the lease when the job ends.</summary>
    /// <exception cref="LoraFormatException">An adapter does not fit the model.</exception>
    public AdapterLease Acquire(AdapterSet set)
    {
        if (set.IsEmpty)
        {
            return AdapterLease.None;
        }

        Entry entry;
        lock (_gate)
        {
            if (!_entries.TryGetValue(set.Signature, out entry!))
            {
                _entries[set.Signature] = entry = new Entry(new Lazy<Patches>(() => Build(set), LazyThreadSafetyMode.ExecutionAndPublication));
            }

            entry.Users++;
        }

        try
        {
            entry.Built = entry.Lazy.Value;
        }
        catch
        {
            lock (_gate)
            {
                entry.Users--;
                _entries.Remove(set.Signature);
            }

            throw;
        }

        return new AdapterLease(entry.Built, () => Release(set.Signature, entry));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var entry in _entries.Values.Where(e => e.Built is not null))
            {
                entry.Built!.Dispose();
            }

            _entries.Clear();
        }
    }

    private Patches Build(AdapterSet set)
    {
        var textEncoder = LoraPatcher.Build(_textEncoder, set);
        try
        {
            return new Patches(textEncoder, LoraPatcher.Build(_unet, set));
        }
        catch
        {
            textEncoder.Dispose();
            throw;
        }
    }

    private void Release(string signature, Entry entry)
    {
        lock (_gate)
        {
            entry.Users--;
            entry.LastUsed = ++_clock;
            var held = _entries.Values.Where(e => e.Built is not null).Sum(e => e.Built!.Bytes);
            foreach (var (key, idle) in _entries.Where(e => e.Value.Users == 0 && e.Value.Built is not null).OrderBy(e => e.Value.LastUsed).ToList())
            {
                if (held <= _budgetBytes)
                {
                    break;
                }

                held -= idle.Built!.Bytes;
                idle.Built.Dispose();
                _entries.Remove(key);
            }
        }
    }

    private sealed class Entry(Lazy<Patches> lazy)
    {
        public Lazy<Patches> Lazy { get; } = lazy;

        public Patches? Built { get; set; }

        public int Users { get; set; }

        public long LastUsed { get; set; }
    }
}

/// <summary>The patched weights of one adapter set in both components.</summary>
internal sealed record Patches(WeightOverrides TextEncoder, WeightOverrides UNet) : IDisposable
{
    /// <summary>Host memory both hold.</summary>
    public long Bytes => TextEncoder.Bytes + UNet.Bytes;

    /// <inheritdoc />
    public void Dispose()
    {
        TextEncoder.Dispose();
        UNet.Dispose();
    }
}

/// <summary>A job's hold on its adapter set's patches.</summary>
internal sealed class AdapterLease : IDisposable
{
    private Action? _release;

    public AdapterLease(Patches? patches, Action? release)
    {
        TextEncoder = patches?.TextEncoder ?? WeightOverrides.None;
        UNet = patches?.UNet ?? WeightOverrides.None;
        _release = release;
    }

    /// <summary>No adapters: the stored weights.</summary>
    public static AdapterLease None { get; } = new(null, null);

    /// <summary>The text encoder's patches.</summary>
    public WeightOverrides TextEncoder { get; }

    /// <summary>The UNet's patches.</summary>
    public WeightOverrides UNet { get; }

    /// <inheritdoc />
    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}
