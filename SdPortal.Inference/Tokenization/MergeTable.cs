using System.Collections.Frozen;

namespace SdPortal.Inference.Tokenization;

/// <summary>What merging one adjacent pair of symbols produces.</summary>
/// <param name="Rank">The line order in merges.txt; lower ranks merge first.</param>
/// <param name="MergedId">The vocabulary id of the concatenated symbol.</param>
internal readonly record struct MergeRule(int Rank, int MergedId);

/// <summary>The BPE merge ranks keyed by pairs of vocabulary ids, so that merging never touches strings.</summary>
internal sealed class MergeTable
{
    private readonly FrozenDictionary<long, MergeRule> _rules;

    /// <summary>Resolves every merge against the vocabulary.</summary>
    /// <exception cref="InvalidDataException">A merge names a symbol, or produces one, that the vocabulary lacks.</exception>
    public MergeTable(IReadOnlyList<(string Left, string Right)> merges, IReadOnlyDictionary<string, int> vocabulary,
        string mergesPath)
    {
        var rules = new Dictionary<long, MergeRule>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            var leftId = Lookup(left);
            var rightId = Lookup(right);
            var mergedId = Lookup(string.Concat(left, right));

            // A repeated pair keeps its last rank, as building a dict from the merges list does in the reference.
            rules[Key(leftId, rightId)] = new MergeRule(rank, mergedId);
        }

        _rules = rules.ToFrozenDictionary();

        int Lookup(string symbol) => vocabulary.TryGetValue(symbol, out var id)
            ? id
            : throw new InvalidDataException(
                $"CLIP merges {mergesPath} uses the symbol '{symbol}', which the vocabulary does not contain.");
    }

    /// <summary>The number of distinct merge pairs.</summary>
    public int Count => _rules.Count;

    /// <summary>Looks up the merge of <paramref name="left"/> followed by <paramref name="right"/>.</summary>
    public bool TryGet(int left, int right, out MergeRule rule) => _rules.TryGetValue(Key(left, right), out rule);

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;
}
