using System.Text;
using SdPortal.Inference.Imaging;

namespace SdPortal.Tests.Imaging;

public class PngTextChunkTests
{
    private static readonly byte[] Pixel = [1, 2, 3];

    [Fact]
    public void Encode_WhenTextIsAscii_WritesTextChunkThatRoundTrips()
    {
        KeyValuePair<string, string>[] texts = [new("parameters", "a photo of a cat\nSteps: 20, Seed: 42"), new("Software", "SdPortal")];

        var png = PngEncoder.Encode(Pixel, 1, 1, texts);

        var decoded = TestPngDecoder.Decode(png);
        Assert.Equal(["IHDR", "tEXt", "tEXt", "IDAT", "IEND"], decoded.Chunks.Select(c => c.Type));
        Assert.Equal("parameters\0a photo of a cat\nSteps: 20, Seed: 42"u8.ToArray(), decoded.Chunks[1].Data);
        var read = PngMetadataReader.ReadText(png);
        Assert.Equal("a photo of a cat\nSteps: 20, Seed: 42", read["parameters"]);
        Assert.Equal("SdPortal", read["Software"]);
    }

    [Fact]
    public void Encode_WhenTextIsLatin1ButNotAscii_StillUsesTextChunkWithLatin1Bytes()
    {
        var png = PngEncoder.Encode(Pixel, 1, 1, [new("Comment", "café ©")]);

        var chunk = TestPngDecoder.Decode(png).Chunks.Single(c => c.Type == "tEXt");
        Assert.Equal(Encoding.Latin1.GetBytes("Comment\0café ©"), chunk.Data);
        Assert.Equal("café ©", PngMetadataReader.ReadText(png)["Comment"]);
    }

    [Fact]
    public void Encode_WhenTextHasNonLatin1Characters_WritesUncompressedUtf8InternationalText()
    {
        const string prompt = "東京の夜景, ΟΔΟΣ, 🐱 cat";

        var png = PngEncoder.Encode(Pixel, 1, 1, [new("parameters", prompt)]);

        var chunk = TestPngDecoder.Decode(png).Chunks.Single(c => c.Type == "iTXt");
        // keyword NUL, compression flag 0, method 0, empty language NUL, empty translated keyword NUL, UTF-8 text
        Assert.Equal([.. "parameters\0\0\0\0\0"u8, .. Encoding.UTF8.GetBytes(prompt)], chunk.Data);
        Assert.Equal(prompt, PngMetadataReader.ReadText(png)["parameters"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" leading")]
    [InlineData("trailing ")]
    [InlineData("double  space")]
    [InlineData("new\nline")]
    [InlineData("東京")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789012345678901")] // 80 chars
    public void Encode_WhenKeywordBreaksPngRules_ThrowsArgumentException(string keyword)
    {
        Assert.Throws<ArgumentException>(() => PngEncoder.Encode(Pixel, 1, 1, [new(keyword, "text")]));
    }

    [Theory]
    [InlineData("nul\0inside")]
    [InlineData("東京\0")]
    public void Encode_WhenTextCannotBeStored_ThrowsArgumentException(string text)
    {
        Assert.Throws<ArgumentException>(() => PngEncoder.Encode(Pixel, 1, 1, [new("Comment", text)]));
    }

    [Fact]
    public void Encode_WhenTextHasALoneSurrogate_ThrowsArgumentException()
    {
        // Built at run time: a lone surrogate in an attribute argument does not survive compilation into metadata.
        var text = "lone " + '\uD800' + " surrogate 東京";

        Assert.Throws<ArgumentException>(() => PngEncoder.Encode(Pixel, 1, 1, [new("Comment", text)]));
    }
}
