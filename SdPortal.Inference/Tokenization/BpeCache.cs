using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace SdPortal.Inference.Tokenization;

/// <summary>
/// A bounded, thread-safe memo of BPE results per word. Prompts reuse a small working vocabulary ("masterpiece",
/// "highly", "detailed"), so after warm-up almost every word is a lookup that allocates nothing.
/// </summary>
/// <remarks>
/// When the cache fills it is emptied rather than evicting least-recently-used entries: LRU bookkeeping would cost every
/// hit a write, and refilling the words that matter takes a handful of prompts.
/// </remarks>
internal sealed class BpeCache
{
    private readonly ConcurrentDictionary<string, int[]> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _capacity;
    private readonly int _maxWordLength;
    private int _count;

    /// <param name="capacity">The most entries kept before the cache is emptied.</param>
    /// <param name="maxWordLength">Longer words are not cached, so that one huge word cannot pin a huge key.</param>
    public BpeCache(int capacity, int maxWordLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
        _maxWordLength = maxWordLength;
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The number of cached words (approximate while other threads add).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Finds the ids of a word encoded earlier.</summary>
    public bool TryGet(ReadOnlySpan<char> word, [NotNullWhen(true)] out int[]? ids) => _lookup.TryGetValue(word, out ids);

    /// <summary>Remembers a word's ids. The array is shared with every later reader and must not be modified.</summary>
    public void Add(ReadOnlySpan<char> word, int[] ids)
    {
        if (word.Length > _maxWordLength || !_lookup.TryAdd(word, ids))
        {
            return;
        }

        if (Interlocked.Increment(ref _count) > _capacity)
        {
            // Racing adders may slip a few entries past the bound before the clear; the bound is approximate by design.
            _entries.Clear();
            Volatile.Write(ref _count, 0);
        }
    }
}
