using SdPortal.Inference.Tokenization;

namespace SdPortal.Tests.Tokenization;

/// <summary>Expected strings are what CPython 3.11's html.unescape returns for the same input.</summary>
public class HtmlEntityDecoderTests
{
    [Theory]
    [InlineData("Tom &amp; Jerry", "Tom & Jerry")]
    [InlineData("&lt;b&gt; &quot;x&quot; &#39;y&#39;", "<b> \"x\" 'y'")]
    [InlineData("&#x1F600; &#X41; &#65", "😀 A A")]
    [InlineData("&copy2024", "©2024")]
    [InlineData("&notit;", "¬it;")]
    [InlineData("&notin;", "∉")]
    [InlineData("&CounterClockwiseContourIntegral;", "∳")]
    [InlineData("AT&T &unknown; & &# &#x; &;", "AT&T &unknown; & &# &#x; &;")]
    [InlineData("&#128;&#150;&#129;", "€–\u0081")]
    [InlineData("&#0;&#xD800;&#x110000;&#99999999999;", "\uFFFD\uFFFD\uFFFD\uFFFD")]
    [InlineData("a&#1;b&#xFFFE;c&#x7f;d&#13;e", "abcd\re")]
    [InlineData("&amp;amp;", "&amp;")]
    public void Decode_WhenTextHasReferences_ReplacesThemLikePython(string input, string expected)
    {
        Assert.Equal(expected, HtmlEntityDecoder.Decode(input));
    }

    [Fact]
    public void Decode_WhenTextHasNoAmpersand_ReturnsTheSameInstance()
    {
        var text = "a photo of a cat";

        Assert.Same(text, HtmlEntityDecoder.Decode(text));
    }
}
