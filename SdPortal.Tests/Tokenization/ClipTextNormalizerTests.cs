using SdPortal.Inference.Tokenization;

namespace SdPortal.Tests.Tokenization;

/// <summary>Expected strings are Python's <c>" ".join(regex.split(r"\s+", text.strip())).strip().lower()</c>.</summary>
public class ClipTextNormalizerTests
{
    [Theory]
    [InlineData("  A\u00A0B\u3000\u2028C \t\r\nD  ", "a b c d")]
    [InlineData("\u001Cedge\u001F", "edge")] // str.strip() removes U+001C..U+001F at the ends...
    [InlineData("in\u001Cside", "in\u001Cside")] // ...but \s does not match them inside.
    [InlineData("ΟΔΟΣ. ΟΔΟΣ'Α Σ", "οδος. οδοσ'α σ")] // final sigma only when no cased letter follows
    [InlineData("İ", "i\u0307")]
    public void Normalize_WhenTextHasWhitespaceAndCapitals_MatchesPython(string input, string expected)
    {
        var buffer = new char[ClipTextNormalizer.MaxOutputLength(input.Length)];

        var length = ClipTextNormalizer.Normalize(input, buffer);

        Assert.Equal(expected, new string(buffer, 0, length));
    }
}
