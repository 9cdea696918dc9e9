using System.Globalization;
using SdPortal.Inference.Tokenization;
using static SdPortal.Tests.Tokenization.SharedClipTokenizer;

namespace SdPortal.Tests.Tokenization;

public class ClipTokenizerLengthTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    public void Encode_WhenPromptIsEmptyOrBlank_ReturnsBosEosAndPadding(string prompt)
    {
        var result = Instance.Encode(prompt);

        Assert.Equal(Padded([]), result.Ids);
        Assert.Equal(0, result.ContentTokenCount);
        Assert.False(result.Truncated);
    }

    [Fact]
    public void Encode_WhenPromptTooLong_TruncatesAndSaysSo()
    {
        // 100 words "word0".."word99": word</w> (2653) then one token per digit, '0</w>'..'9</w>' being 271..280.
        var prompt = string.Join(' ', Enumerable.Range(0, 100).Select(i => $"word{i}"));
        var expectedContent = Enumerable.Range(0, 100)
            .SelectMany(i => i.ToString(CultureInfo.InvariantCulture).Select(d => 271 + (d - '0')).Prepend(2653))
            .ToArray();

        var result = Instance.Encode(prompt);

        Assert.Equal(ClipTokenizer.MaxLength, result.Ids.Length);
        Assert.Equal(290, result.ContentTokenCount);
        Assert.Equal(expectedContent.Length, result.ContentTokenCount);
        Assert.True(result.Truncated);
        Assert.Equal(Bos, result.Ids[0]);
        Assert.Equal(expectedContent[..75], result.Ids[1..76]);
        Assert.Equal(Eos, result.Ids[^1]);
    }

    [Fact]
    public void Encode_WhenPromptFillsExactly75Tokens_DoesNotTruncate()
    {
        var result = Instance.Encode(string.Join(' ', Enumerable.Repeat("cat", 75)));

        Assert.Equal(75, result.ContentTokenCount);
        Assert.False(result.Truncated);
        Assert.Equal([Bos, .. Enumerable.Repeat(2368, 75), Eos], result.Ids);
    }

    [Fact]
    public void Encode_WhenPromptHas76Tokens_TruncatesTheLastOne()
    {
        var result = Instance.Encode(string.Join(' ', Enumerable.Repeat("cat", 76)));

        Assert.Equal(76, result.ContentTokenCount);
        Assert.True(result.Truncated);
        Assert.Equal([Bos, .. Enumerable.Repeat(2368, 75), Eos], result.Ids);
    }

    [Fact]
    public void Encode_WhenOneWordIsVeryLong_StillCountsEveryToken()
    {
        // 300 x's: BPE makes 74 "xxxx" (32035) and one "xxxx</w>" (22819), so exactly 75 tokens.
        var result = Instance.Encode(new string('x', 300));

        Assert.Equal(75, result.ContentTokenCount);
        Assert.Equal([Bos, .. Enumerable.Repeat(32035, 74), 22819, Eos], result.Ids);
    }
}
