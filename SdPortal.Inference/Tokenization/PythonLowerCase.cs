using System.Globalization;
using System.Text;

namespace SdPortal.Inference.Tokenization;

/// <summary>
/// Lower-cases one character the way Python's <c>str.lower()</c> does, which the reference tokenizer applies. .NET's
/// invariant simple case mapping agrees except for the two context- or length-changing rules of Unicode's full mapping
/// (SpecialCasing.txt): U+0130 becomes "i" + U+0307, and capital sigma becomes final sigma at the end of a word.
/// </summary>
internal static class PythonLowerCase
{
    private const int CapitalSigma = 0x03A3;
    private const char SmallFinalSigma = '\u03C2';
    private const char SmallSigma = '\u03C3';
    private const int CapitalIWithDotAbove = 0x0130;

    /// <summary>Writes the lower case of the rune at <paramref name="index"/> in <paramref name="text"/>.</summary>
    /// <returns>The number of chars written.</returns>
    public static int Lower(Rune rune, ReadOnlySpan<char> text, int index, Span<char> destination)
    {
        switch (rune.Value)
        {
            case CapitalIWithDotAbove:
                destination[0] = 'i';
                destination[1] = '\u0307';
                return 2;
            case CapitalSigma:
                destination[0] = IsFinalSigma(text, index) ? SmallFinalSigma : SmallSigma;
                return 1;
            default:
                return Rune.ToLowerInvariant(rune).EncodeToUtf16(destination);
        }
    }

    /// <summary>
    /// Unicode's Final_Sigma condition: a cased letter before (skipping case-ignorable characters) and none after.
    /// </summary>
    private static bool IsFinalSigma(ReadOnlySpan<char> text, int index)
    {
        var before = index;
        Rune rune;
        do
        {
            if (before == 0)
            {
                return false;
            }

            Rune.DecodeLastFromUtf16(text[..before], out rune, out var length);
            before -= length;
        }
        while (IsCaseIgnorable(rune));

        if (!IsCased(rune))
        {
            return false;
        }

        for (var after = index + 1; after < text.Length; after += rune.Utf16SequenceLength)
        {
            Rune.DecodeFromUtf16(text[after..], out rune, out _);
            if (!IsCaseIgnorable(rune))
            {
                return !IsCased(rune);
            }
        }

        return true;
    }

    // Cased: the cased letter categories plus the Other_Lowercase/Other_Uppercase code points that are not already
    // case-ignorable: ordinal indicators, Roman numerals, and circled, squared and negative Latin capitals.
    private static bool IsCased(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
        || rune.Value is 0xAA or 0xBA or >= 0x2160 and <= 0x217F or >= 0x24B6 and <= 0x24E9
            or >= 0x1F130 and <= 0x1F149 or >= 0x1F150 and <= 0x1F169 or >= 0x1F170 and <= 0x1F189;

    // Case_Ignorable: marks, format characters, modifiers, plus the apostrophes and word-internal punctuation of
    // Word_Break MidLetter, MidNumLet and Single_Quote.
    // Checked with every code point against CPython 3.11's str.lower(); the only differences left are characters that
    // Unicode versions after CPython's 14.0 added or reclassified.
    private static bool IsCaseIgnorable(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol
        || rune.Value is '\'' or '.' or ':' or '\u00B7' or '\u0387' or '\u055F' or '\u05F4' or '\u2018' or '\u2019' or '\u2024'
            or '\u2027' or '\uFE13' or '\uFE52' or '\uFE55' or '\uFF07' or '\uFF0E' or '\uFF1A';
}
