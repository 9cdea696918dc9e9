using System.Buffers;
using System.Text;

namespace SdPortal.Inference.Tokenization;

/// <summary>
/// Byte-level BPE for one pre-tokenized word: the word's UTF-8 bytes become base symbols (the last one carrying the
/// end-of-word marker <c>&lt;/w&gt;</c>), then adjacent pairs merge by rank until no ranked pair is left.
/// </summary>
/// <remarks>
/// The reference merges the lowest-ranked pair at every occurrence, left to right and without overlap, then looks for
/// the next lowest pair. This class gets the same result in O(n log n) rather than O(n²) per word: pairs sit in a
/// priority queue ordered by (rank, position), and all queued occurrences of one rank are merged before any pair
/// formed by those merges is queued. Stale queue entries are recognised by re-checking the pair's rank.
/// </remarks>
internal sealed class BytePairEncoder
{
    private const int StackallocByteLimit = 256;
    private const int Removed = -1;

    private readonly MergeTable _merges;
    private readonly int[] _byteIds;
    private readonly int[] _finalByteIds;

    /// <param name="merges">The merge ranks, keyed by vocabulary ids.</param>
    /// <param name="byteIds">The id of each byte's symbol inside a word.</param>
    /// <param name="finalByteIds">The id of each byte's symbol with <c>&lt;/w&gt;</c>, for the last byte of a word.</param>
    public BytePairEncoder(MergeTable merges, int[] byteIds, int[] finalByteIds)
    {
        _merges = merges;
        _byteIds = byteIds;
        _finalByteIds = finalByteIds;
    }

    /// <summary>Encodes one non-empty word into vocabulary ids.</summary>
    public int[] Encode(ReadOnlySpan<char> word)
    {
        var byteCount = Encoding.UTF8.GetByteCount(word);
        byte[]? rented = null;
        Span<byte> bytes = byteCount <= StackallocByteLimit
            ? stackalloc byte[StackallocByteLimit]
            : rented = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            Encoding.UTF8.GetBytes(word, bytes);
            var symbols = new int[byteCount];
            for (var i = 0; i < byteCount; i++)
            {
                symbols[i] = i == byteCount - 1 ? _finalByteIds[bytes[i]] : _byteIds[bytes[i]];
            }

            return byteCount < 2 ? symbols : Merge(symbols);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private int[] Merge(int[] ids)
    {
        // A doubly linked list over ids; merging keeps the left node and unlinks the right one.
        var n = ids.Length;
        var next = new int[n];
        var previous = new int[n];
        var queue = new PriorityQueue<int, long>(n);
        for (var i = 0; i < n; i++)
        {
            previous[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : Removed;
            if (i + 1 < n)
            {
                Enqueue(queue, ids, i, i + 1);
            }
        }

        var merged = new List<int>();
        var remaining = n;
        while (queue.TryPeek(out _, out var head))
        {
            var rank = RankOf(head);
            while (queue.TryPeek(out var left, out var priority) && RankOf(priority) == rank)
            {
                queue.Dequeue();
                var right = next[left];
                if (ids[left] == Removed || right == Removed ||
                    !_merges.TryGet(ids[left], ids[right], out var rule) || rule.Rank != rank)
                {
                    continue; // The pair changed since it was queued.
                }

                ids[left] = rule.MergedId;
                ids[right] = Removed;
                next[left] = next[right];
                if (next[right] != Removed)
                {
                    previous[next[right]] = left;
                }

                merged.Add(left);
                remaining--;
            }

            // Only now queue the pairs the merges formed, so that none of them can overtake an occurrence of `rank`.
            foreach (var node in merged)
            {
                if (previous[node] != Removed)
                {
                    Enqueue(queue, ids, previous[node], node);
                }

                if (next[node] != Removed)
                {
                    Enqueue(queue, ids, node, next[node]);
                }
            }

            merged.Clear();
        }

        var result = new int[remaining];
        for (int node = 0, k = 0; node != Removed; node = next[node])
        {
            result[k++] = ids[node];
        }

        return result;
    }

    private void Enqueue(PriorityQueue<int, long> queue, int[] ids, int left, int right)
    {
        if (_merges.TryGet(ids[left], ids[right], out var rule))
        {
            queue.Enqueue(left, ((long)rule.Rank << 32) | (uint)left);
        }
    }

    private static int RankOf(long priority) => (int)(priority >> 32);
}
