using SdPortal.Inference.Tokenization;
using SdPortal.Inference.Tokenization.Prompts;
using static SdPortal.Tests.Tokenization.SharedClipTokenizer;

namespace SdPortal.Tests.Tokenization;

/// <summary>
/// A1111's <c>tokenize_line</c> over the real CLIP ViT-L/14 vocabulary: chunk ids and multipliers built by hand from its
/// rules (75 content tokens per chunk, BOS/EOS around, EOS padding for SD 1.x, BREAK, the 20-token comma back-track, the
/// token count) with ids from vocab.json: a 320, photo 1125, of 539, cat 2368, comma 267,
/// masterpiece 12066, dog 1929 (each with its word-end marker).
/// </summary>
public class PromptChunkerTests
{
    private const int A = 320;
    private const int Comma = 267;

    [Fact]
    public void Chunk_ShortPrompt_IsOneChunkWithWeightOne()
    {
        var result = PromptChunker.Chunk(Instance, "a photo of a cat");

        var chunk = Assert.Single(result.Chunks);
        Assert.Equal(Padded([A, 1125, 539, A, 2368]), chunk.Ids);
        Assert.All(chunk.Weights, w => Assert.Equal(1f, w));
        Assert.Equal(5, result.TokenCount);
    }

    [Fact]
    public void Chunk_ShortPrompt_HasTheSameIdsAsThePlainTokenizer()
    {
        var result = PromptChunker.Chunk(Instance, "a photo of a cat");

        Assert.Equal(Instance.Encode("a photo of a cat").Ids, result.Chunks[0].Ids);
    }

    [Fact]
    public void Chunk_EmptyPrompt_IsOneChunkOfBosAndEos()
    {
        var result = PromptChunker.Chunk(Instance, string.Empty);

        var chunk = Assert.Single(result.Chunks);
        Assert.Equal(Padded([]), chunk.Ids);
        Assert.Equal(0, result.TokenCount);
        Assert.Equal(chunk.Ids, PromptChunker.EmptyChunk(Instance).Ids);
    }

    [Fact]
    public void Chunk_EmphasizedWords_CarryTheirMultipliersOnTheirTokens()
    {
        var result = PromptChunker.Chunk(Instance, "a (photo) of ((a)) [cat] (masterpiece:1.2)");

        var chunk = Assert.Single(result.Chunks);
        Assert.Equal(Padded([A, 1125, 539, A, 2368, 12066]), chunk.Ids);
        float[] content = [1f, (float)1.1, 1f, (float)(1.1 * 1.1), (float)(1 / 1.1), (float)1.2];
        Assert.Equal([1f, .. content, .. Enumerable.Repeat(1f, 70)], chunk.Weights);
    }

    [Fact]
    public void Chunk_EightyTokens_FillsOneChunkAndStartsAnother()
    {
        var result = PromptChunker.Chunk(Instance, Words(80));

        Assert.Equal(2, result.Chunks.Count);
        Assert.Equal(Padded(Repeat(A, 75)), result.Chunks[0].Ids);
        Assert.Equal(Padded(Repeat(A, 5)), result.Chunks[1].Ids);
        Assert.Equal(80, result.TokenCount);
    }

    [Fact]
    public void Chunk_TwoHundredTokens_IsThreeChunks()
    {
        var result = PromptChunker.Chunk(Instance, Words(200));

        Assert.Equal(3, result.Chunks.Count);
        Assert.Equal(Padded(Repeat(A, 50)), result.Chunks[2].Ids);
        Assert.Equal(200, result.TokenCount);
    }

    [Fact]
    public void Chunk_CommaWithinTwentyOfTheEnd_MovesTheTailToTheNextChunk()
    {
        // 70 a, a comma at position 70, 10 a: when the 76th token arrives the comma is 5 back, so the 4 a after it move.
        var result = PromptChunker.Chunk(Instance, Words(70) + ", " + Words(10));

        Assert.Equal(2, result.Chunks.Count);
        Assert.Equal(Padded([.. Repeat(A, 70), Comma]), result.Chunks[0].Ids);
        Assert.Equal(Padded(Repeat(A, 10)), result.Chunks[1].Ids);
        Assert.Equal(75 + 10, result.TokenCount);
    }

    [Fact]
    public void Chunk_CommaFurtherBack_DoesNotMoveAnything()
    {
        // The comma at position 50 is 25 from the end: more than 20, so the chunk is cut at 75 tokens exactly.
        var result = PromptChunker.Chunk(Instance, Words(50) + ", " + Words(30));

        Assert.Equal(Padded([.. Repeat(A, 50), Comma, .. Repeat(A, 24)]), result.Chunks[0].Ids);
        Assert.Equal(Padded(Repeat(A, 6)), result.Chunks[1].Ids);
    }

    [Fact]
    public void Chunk_CommaAsTheSeventySixthToken_OpensTheNextChunk()
    {
        var result = PromptChunker.Chunk(Instance, Words(75) + ", a");

        Assert.Equal(Padded(Repeat(A, 75)), result.Chunks[0].Ids);
        Assert.Equal(Padded([Comma, A]), result.Chunks[1].Ids);
        Assert.Equal(77, result.TokenCount);
    }

    [Fact]
    public void Chunk_Break_EndsTheChunk()
    {
        var result = PromptChunker.Chunk(Instance, "a cat BREAK a dog");

        Assert.Equal(2, result.Chunks.Count);
        Assert.Equal(Padded([A, 2368]), result.Chunks[0].Ids);
        Assert.Equal(Padded([A, 1929]), result.Chunks[1].Ids);
        Assert.Equal(75 + 2, result.TokenCount);
    }

    [Fact]
    public void Chunk_BreakAtTheStart_LeavesAnEmptyFirstChunk()
    {
        var result = PromptChunker.Chunk(Instance, "BREAK a");

        Assert.Equal(2, result.Chunks.Count);
        Assert.Equal(Padded([]), result.Chunks[0].Ids);
        Assert.Equal(Padded([A]), result.Chunks[1].Ids);
    }

    [Fact]
    public void Chunk_BreakAtTheEnd_AddsNoChunk()
    {
        var result = PromptChunker.Chunk(Instance, "a cat BREAK");

        Assert.Single(result.Chunks);
        Assert.Equal(75, result.TokenCount);
    }

    [Fact]
    public void Chunk_BreakInBrackets_IsAWordWithItsMultiplier()
    {
        var plain = Instance.ContentIds("break");
        var result = PromptChunker.Chunk(Instance, "(BREAK)");

        var chunk = Assert.Single(result.Chunks);
        Assert.Equal(Padded([.. plain]), chunk.Ids);
        Assert.Equal((float)(-1 * 1.1), chunk.Weights[1]);
    }

    [Fact]
    public void Chunk_WhenThePadTokenIsNotEos_PadsAfterTheFirstEos()
    {
        using var folder = TemporaryTokenizerFolder.CopyOfClip();
        folder.Write("tokenizer_config.json", """{ "pad_token": "!" }""");
        var sd2 = ClipTokenizer.Load(folder.Path);

        var result = PromptChunker.Chunk(sd2, "a cat");

        Assert.Equal(Padded([A, 2368], pad: 0), result.Chunks[0].Ids);
    }

    private static string Words(int count) => string.Join(' ', Enumerable.Repeat("a", count));

    private static int[] Repeat(int id, int count) => [.. Enumerable.Repeat(id, count)];
}
