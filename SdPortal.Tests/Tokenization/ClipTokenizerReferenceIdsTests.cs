using static SdPortal.Tests.Tokenization.SharedClipTokenizer;

namespace SdPortal.Tests.Tokenization;

/// <summary>
/// Ids the reference CLIP tokenizer gives, produced by tools/clip_reference_tokenizer.py (an independent, textbook BPE
/// in Python) and spot-checked by hand against vocab.json; the symbols are noted beside each id.
/// </summary>
public class ClipTokenizerReferenceIdsTests
{
    [Fact]
    public void Encode_WhenPromptIsTheKnownExample_ReturnsTheKnownIds()
    {
        var result = Instance.Encode("a photo of a cat");

        Assert.Equal(Padded([320, 1125, 539, 320, 2368]), result.Ids);
        Assert.Equal(5, result.ContentTokenCount);
        Assert.False(result.Truncated);
    }

    [Fact]
    public void Encode_WhenPromptHasPunctuationAndWeights_KeepsPunctuationRunsTogetherAndDigitsApart()
    {
        // hello</w> ,</w> world</w> !!!</w> (</w> masterpiece</w> :</w> 1</w> .</w> 2</w> )</w>
        var result = Instance.Encode("Hello, world!!! (masterpiece:1.2)");

        Assert.Equal(Padded([3306, 267, 1002, 995, 263, 12066, 281, 272, 269, 273, 264]), result.Ids);
    }

    [Fact]
    public void Encode_WhenPromptHasNumbers_EmitsOneTokenPerDigit()
    {
        // \p{N} matches a single digit: 1</w> 0</w> 2</w> 4</w> x</w> 7</w> 6</w> 8</w> 8</w> k</w> 2</w> 0</w> 2</w> 4</w>
        var result = Instance.Encode("1024x768 8k 2024");

        Assert.Equal(Padded([272, 271, 273, 275, 343, 278, 277, 279, 279, 330, 273, 271, 273, 275]), result.Ids);
    }

    [Fact]
    public void Encode_WhenPromptHasContractions_SplitsThemOffAsTheirOwnTokens()
    {
        // it</w> 's</w> a</w> dog</w> 's</w> life</w> ,</w> they</w> 're</w> we</w> 'll</w> i</w> 'd</w>
        var result = Instance.Encode("it's a dog's life, they're we'll I'd");

        Assert.Equal(Padded([585, 568, 320, 1929, 568, 970, 267, 889, 982, 649, 1342, 328, 1896]), result.Ids);
    }

    [Fact]
    public void Encode_WhenPromptHasNonAsciiLetters_EncodesTheirUtf8Bytes()
    {
        // café</w> | na ï ve</w> | stra Ã Ł e</w> (ß is C3 9F) | 東 京: æĿ± äº ¬</w>
        var result = Instance.Encode("café naïve Straße 東京");

        Assert.Equal(Padded([15304, 1097, 35689, 563, 1894, 127, 253, 324, 48338, 21078, 361]), result.Ids);
    }

    [Fact]
    public void Encode_WhenGreekWordEndsInCapitalSigma_LowerCasesItToFinalSigma()
    {
        // Python's str.lower() gives "οδος σοφια": the last Σ of ΟΔΟΣ becomes ς (CF 82, "Ĥ</w>" id 480), the first of
        // ΣΟΦΙΑ becomes σ (CF 83, "ĥ" id 225).
        var result = Instance.Encode("ΟΔΟΣ ΣΟΦΙΑ");

        Assert.Equal(
            Padded([138, 123, 138, 112, 138, 123, 139, 480, 139, 225, 138, 123, 139, 228, 138, 117, 138, 365]),
            result.Ids);
    }

    [Fact]
    public void Encode_WhenPromptHasEmojiAndSupplementaryLetters_TreatsSurrogatePairsAsOneCharacter()
    {
        // 🎨</w>, then 𝐀 (U+1D400, a letter outside the BMP) as ðĿĲ Ģ</w>
        var result = Instance.Encode("🎨 𝐀");

        Assert.Equal(Padded([13461, 15889, 478]), result.Ids);
    }

    [Fact]
    public void Encode_WhenPromptHasRepeatedSpacesTabsAndNewlines_CollapsesThem()
    {
        var result = Instance.Encode("  a\n\n photo \t of   a cat  \r\n");

        Assert.Equal(Padded([320, 1125, 539, 320, 2368]), result.Ids);
    }

    [Fact]
    public void Encode_WhenPromptHasHtmlEntities_UnescapesThemFirst()
    {
        // tom</w> &</w> jerry</w> <</w> 3</w> '</w> quoted</w> '</w> Â©</w> 2</w> 0</w> 2</w> 4</w>
        var result = Instance.Encode("Tom &amp; Jerry &lt;3 &#39;quoted&#39; &copy2024");

        Assert.Equal(Padded([2435, 261, 9164, 283, 274, 262, 27706, 262, 5811, 273, 271, 273, 275]), result.Ids);
    }

    [Fact]
    public void Encode_WhenEntityIsEscapedTwice_UnescapesBothLevels()
    {
        // The reference applies html.unescape twice: "&amp;amp;" → "&amp;" → "&" (&</w>, 261).
        Assert.Equal(Padded([261]), Instance.Encode("&amp;amp;").Ids);
    }

    [Fact]
    public void Encode_WhenPromptIsUpperCase_MatchesTheLowerCasePrompt()
    {
        Assert.Equal(Instance.Encode("a photo of a cat").Ids, Instance.Encode("A PHOTO OF A CAT").Ids);
    }

    [Fact]
    public void Encode_WhenCapitalIWithDotIsLowerCased_BecomesIPlusCombiningDot()
    {
        // Python lower-cases U+0130 to "i" + U+0307: i</w> then Ìĩ</w>.
        Assert.Equal(Padded([328, 16384]), Instance.Encode("İ").Ids);
    }

    [Fact]
    public void Encode_WhenPromptContainsEndOfText_MapsItToTheSpecialId()
    {
        Assert.Equal(Padded([320, Eos, 321]), Instance.Encode("a <|endoftext|> b").Ids);
    }

    [Fact]
    public void Encode_WhenWordRepeatsALetter_MergesToTheLongestSymbol()
    {
        Assert.Equal(Padded([9583]), Instance.Encode("aaa").Ids); // aaa</w>
    }

    [Fact]
    public void Encode_WhenTextHasCombiningYpogegrammeni_DropsItAndSplitsTheWord()
    {
        // Under IGNORECASE U+0345 folds to a letter, so CLIP's pattern neither matches it as \p{L} nor as "other":
        // it vanishes like whitespace. a</w> b</w>
        Assert.Equal(Padded([320, 321]), Instance.Encode("a\u0345b").Ids);
    }
}
