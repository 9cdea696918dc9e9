using static SdPortal.Tests.Tokenization.SharedClipTokenizer;

namespace SdPortal.Tests.Tokenization;

public class ClipTokenizerConcurrencyTests
{
    [Fact]
    public void Encode_WhenCalledFromManyThreads_GivesTheSameIdsAsSequentialCalls()
    {
        var tokenizer = SdPortal.Inference.Tokenization.ClipTokenizer.Load(Support.TestPaths.ClipTokenizer);
        var prompts = Enumerable.Range(0, 200)
            .Select(i => $"portrait {i} of a knight, highly detailed, by artist{i % 7}, café, ΟΔΟΣ, 東京 {i * 37}")
            .ToArray();
        var sequential = prompts.Select(p => Instance.Encode(p).Ids).ToArray();

        var parallel = new int[prompts.Length][];
        Parallel.For(0, prompts.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            i => parallel[i % prompts.Length] = tokenizer.Encode(prompts[i % prompts.Length]).Ids);

        Assert.Equal(sequential, parallel);
    }
}
