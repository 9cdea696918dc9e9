using SdPortal.Inference.Tokenization;

namespace SdPortal.Tests.Tokenization;

/// <summary>
/// The merge order rules on a synthetic vocabulary, where the expected symbols follow by hand from the reference loop:
/// take the lowest-ranked adjacent pair, merge all its occurrences left to right without overlap, repeat.
/// </summary>
public class BytePairMergeOrderTests
{
    [Fact]
    public void Encode_WhenPairOccurrencesOverlap_MergesLeftToRight()
    {
        // "aaab" → a a a b</w>; rank 0 (a a) merges positions 0-1 only → aa a b</w>; rank 1 (a b</w>) → aa ab</w>.
        // Merging right to left would have left a aa b</w> with no further merge.
        using var folder = TemporaryTokenizerFolder.Synthetic(["aa", "ab</w>"], ["a a", "a b</w>"]);
        var tokenizer = ClipTokenizer.Load(folder.Path);

        var result = tokenizer.Encode("aaab");

        Assert.Equal([folder.IdOf("aa"), folder.IdOf("ab</w>")], result.Ids[1..3]);
        Assert.Equal(2, result.ContentTokenCount);
    }

    [Fact]
    public void Encode_WhenAMergeCreatesALowerRankedPair_FinishesTheCurrentRankFirst()
    {
        // merges: rank 0 "aa a", rank 1 "a a". "aaaab" → a a a a b</w>. Only rank 1 occurs, at 0-1 and 2-3: the
        // reference merges both in one pass → aa aa b</w>, and then (aa, aa) has no rank. Merging the new (aa, a) pair
        // as soon as it appears would give aaa a b</w> instead.
        using var folder = TemporaryTokenizerFolder.Synthetic(["aa", "aaa"], ["aa a", "a a"]);
        var tokenizer = ClipTokenizer.Load(folder.Path);

        var result = tokenizer.Encode("aaaab");

        Assert.Equal([folder.IdOf("aa"), folder.IdOf("aa"), folder.IdOf("b</w>")], result.Ids[1..4]);
    }

    [Fact]
    public void Encode_WhenNoMergeApplies_EmitsOneSymbolPerByte()
    {
        using var folder = TemporaryTokenizerFolder.Synthetic(["aa"], ["a a"]);
        var tokenizer = ClipTokenizer.Load(folder.Path);

        var result = tokenizer.Encode("é!"); // é is C3 A9, then '!' is its own piece

        Assert.Equal([folder.IdOf("Ã"), folder.IdOf("©</w>"), folder.IdOf("!</w>")], result.Ids[1..4]);
    }
}
