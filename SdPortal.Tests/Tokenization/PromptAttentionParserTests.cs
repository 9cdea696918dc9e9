using SdPortal.Inference.Tokenization.Prompts;

namespace SdPortal.Tests.Tokenization;

/// <summary>
/// A1111's <c>parse_prompt_attention</c>: its doctests (modules/prompt_parser.py) first, then cases built by hand from
/// its rules (1.1 per round pair, 1/1.1 per square pair, explicit weights, escapes, unbalanced brackets, BREAK, merging).
/// Expected weights are written as the products Python computes, in the same order.
/// </summary>
public class PromptAttentionParserTests
{
    [Fact]
    public void Parse_DoctestNormalText_IsOneRunOfWeightOne() =>
        AssertRuns("normal text", ("normal text", 1.0));

    [Fact]
    public void Parse_DoctestImportantWord_WeighsTheBracketedWordByOnePointOne() =>
        AssertRuns("an (important) word", ("an ", 1.0), ("important", 1.1), (" word", 1.0));

    [Fact]
    public void Parse_DoctestUnbalanced_AppliesTheOpenBracketToTheRest() =>
        AssertRuns("(unbalanced", ("unbalanced", 1.1));

    [Fact]
    public void Parse_DoctestLiteral_ResolvesEscapes() =>
        AssertRuns(@"\(literal\]", ("(literal]", 1.0));

    [Fact]
    public void Parse_DoctestUnnecessaryParens_MergesEqualWeights() =>
        AssertRuns("(unnecessary)(parens)", ("unnecessaryparens", 1.1));

    [Fact]
    public void Parse_DoctestHouseOnHill_GivesTheDocumentedWeights()
    {
        var runs = PromptAttentionParser.Parse("a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).");

        // The doctest prints house as 1.5730000000000004 and sky as 1.4641000000000006: Python's products, bit for bit.
        AssertRuns(
            runs,
            ("a ", 1.0),
            ("house", 1.5730000000000004),
            (" ", 1.1),
            ("on", 1.0),
            (" a ", 1.1),
            ("hill", 0.55),
            (", sun, ", 1.1),
            ("sky", 1.4641000000000006),
            (".", 1.1));
    }

    [Fact]
    public void Parse_DoubleRound_MultipliesTwice() =>
        AssertRuns("((word))", ("word", 1.1 * 1.1));

    [Fact]
    public void Parse_ExplicitWeight_ReplacesTheDefaultMultiplier() =>
        AssertRuns("(word:1.3)", ("word", 1.3));

    [Fact]
    public void Parse_ExplicitWeightWithSpaces_IsStillAWeight() =>
        AssertRuns("(word: 0.7 )", ("word", 0.7));

    [Fact]
    public void Parse_Square_DividesByOnePointOne() =>
        AssertRuns("[word]", ("word", 1 / 1.1));

    [Fact]
    public void Parse_NestedSquareInRound_MultipliesBoth() =>
        AssertRuns("([word])", ("word", 1 / 1.1 * 1.1));

    [Fact]
    public void Parse_StrayClosingBrackets_AreText() =>
        AssertRuns("a) b] c", ("a) b] c", 1.0));

    [Fact]
    public void Parse_ColonOutsideWeight_IsText() =>
        AssertRuns("time: noon", ("time: noon", 1.0));

    [Fact]
    public void Parse_WeightWithoutOpenBracket_IsText() =>
        AssertRuns("word:1.5)", ("word:1.5)", 1.0));

    [Fact]
    public void Parse_LoneBackslash_Vanishes() =>
        AssertRuns(@"a\b", ("ab", 1.0));

    [Fact]
    public void Parse_EscapedBackslash_IsOneBackslash() =>
        AssertRuns(@"a\\b", (@"a\b", 1.0));

    [Fact]
    public void Parse_UnclosedSquare_DividesTheRest() =>
        AssertRuns("a [b c", ("a ", 1.0), ("b c", 1 / 1.1));

    [Fact]
    public void Parse_EmptyPrompt_IsOneEmptyRun() =>
        AssertRuns(string.Empty, (string.Empty, 1.0));

    [Fact]
    public void Parse_Break_IsARunOfItsOwnWithTheSurroundingSpaceRemoved() =>
        AssertRuns("a cat BREAK a dog", ("a cat", 1.0), ("BREAK", -1.0), ("a dog", 1.0));

    [Fact]
    public void Parse_LowerCaseOrGluedBreak_IsText() =>
        AssertRuns("a break b xBREAK c BREAKy", ("a break b xBREAK c BREAKy", 1.0));

    [Fact]
    public void Parse_BreakBesidePunctuation_StillBreaks() =>
        AssertRuns("a,BREAK,b", ("a,", 1.0), ("BREAK", -1.0), (",b", 1.0));

    [Fact]
    public void Parse_BreakInsideBrackets_IsMultipliedAndNoLongerABreak()
    {
        var runs = PromptAttentionParser.Parse("(a BREAK b)");

        AssertRuns(runs, ("a", 1.1), ("BREAK", -1.1), ("b", 1.1));
        Assert.DoesNotContain(runs, r => r.IsBreak);
    }

    [Fact]
    public void Parse_UnequalNeighbours_AreNotMerged() =>
        AssertRuns("(a)((b))", ("a", 1.1), ("b", 1.1 * 1.1));

    private static void AssertRuns(string prompt, params (string Text, double Weight)[] expected) =>
        AssertRuns(PromptAttentionParser.Parse(prompt), expected);

    private static void AssertRuns(IReadOnlyList<WeightedText> runs, params (string Text, double Weight)[] expected)
    {
        Assert.Equal(expected.Select(e => e.Text), runs.Select(r => r.Text));
        Assert.Equal(expected.Select(e => e.Weight), runs.Select(r => r.Weight));
    }
}
