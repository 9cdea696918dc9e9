using SdPortal.Inference.Tokenization;

namespace SdPortal.Tests.Tokenization;

public class BpeCacheTests
{
    [Fact]
    public void TryGet_AfterAdd_ReturnsTheStoredIdsForAnEqualSpan()
    {
        var cache = new BpeCache(capacity: 10, maxWordLength: 16);
        int[] ids = [1, 2, 3];
        cache.Add("photo".AsSpan(), ids);

        Assert.True(cache.TryGet("a photo".AsSpan(2), out var found));
        Assert.Same(ids, found);
    }

    [Fact]
    public void Add_WhenCapacityIsExceeded_EmptiesTheCache()
    {
        var cache = new BpeCache(capacity: 3, maxWordLength: 16);
        foreach (var word in new[] { "a", "b", "c" })
        {
            cache.Add(word, [1]);
        }

        Assert.Equal(3, cache.Count);
        cache.Add("d", [2]);

        Assert.Equal(0, cache.Count);
        Assert.False(cache.TryGet("a", out _));
    }

    [Fact]
    public void Add_WhenWordIsLongerThanTheLimit_DoesNotCacheIt()
    {
        var cache = new BpeCache(capacity: 10, maxWordLength: 4);
        cache.Add("longword", [1]);

        Assert.False(cache.TryGet("longword", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Encode_WhenWordsRepeat_CachesEachWordOnce()
    {
        var tokenizer = ClipTokenizer.Load(Support.TestPaths.ClipTokenizer);

        tokenizer.Encode("a photo of a cat, a photo of a dog");

        // a, photo, of, cat, dog; punctuation pieces are cached too (",").
        Assert.Equal(6, tokenizer.CachedWordCount);
    }
}
