using System.Globalization;
using System.Text;

namespace SdPortal.Inference.Tokenization;

/// <summary>
/// Splits normalized text into the pieces BPE works on, matching CLIP's pattern (Python <c>regex</c>, IGNORECASE):
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>.
/// </summary>
/// <remarks>
/// Written as a scanner over code points rather than a .NET Regex because .NET classifies the two halves of a
/// surrogate pair separately, so a letter outside the BMP would not match <c>\p{L}</c> as it does in Python. The
/// alternatives are tried in the pattern's order at each position, as a regex engine does: the first that matches
/// wins, even where a later one would match more.
/// </remarks>
internal ref struct ClipPreTokenizer
{
    private static readonly string[] Specials = [ClipTokenizer.StartOfText, ClipTokenizer.EndOfText];
    private static readonly string[] Contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

    private const int CombiningYpogegrammeni = 0x0345;

    private readonly ReadOnlySpan<char> _text;
    private int _position;

    /// <summary>Starts scanning normalized (lower-cased, whitespace-collapsed) text.</summary>
    public ClipPreTokenizer(ReadOnlySpan<char> text) => _text = text;

    /// <summary>Advances to the next piece; whitespace between pieces is skipped, as no alternative matches it.</summary>
    public bool MoveNext(out ReadOnlySpan<char> piece)
    {
        while (_position < _text.Length)
        {
            var start = _position;
            var rest = _text[start..];
            var length = MatchLiteral(rest, Specials) is var special and > 0 ? special
                : MatchLiteral(rest, Contractions) is var contraction and > 0 ? contraction
                : MatchClassRun(rest);
            if (length > 0)
            {
                _position += length;
                piece = _text.Slice(start, length);
                return true;
            }

            _position += NextRuneLength(rest); // Whitespace, which no alternative matches.
        }

        piece = default;
        return false;
    }

    private static int MatchLiteral(ReadOnlySpan<char> rest, string[] literals)
    {
        foreach (var literal in literals)
        {
            if (rest.Length >= literal.Length && EqualsIgnoreCase(rest[..literal.Length], literal))
            {
                return literal.Length;
            }
        }

        return 0;
    }

    // After lower-casing, IGNORECASE can still matter for one pattern letter: Python's simple case folding makes 's'
    // match U+017F LATIN SMALL LETTER LONG S, which is already lower case.
    private static bool EqualsIgnoreCase(ReadOnlySpan<char> text, string lowerLiteral)
    {
        for (var i = 0; i < lowerLiteral.Length; i++)
        {
            if (text[i] != lowerLiteral[i] && !(lowerLiteral[i] == 's' && text[i] == '\u017F'))
            {
                return false;
            }
        }

        return true;
    }

    private static int MatchClassRun(ReadOnlySpan<char> rest)
    {
        var first = Classify(rest, out var length);
        if (first is CharClass.Unmatched)
        {
            return 0;
        }

        if (first is CharClass.Number)
        {
            return length; // \p{N} matches a single digit.
        }

        // \p{L}+ or [^\s\p{L}\p{N}]+: extend while the class stays the same.
        var total = length;
        while (total < rest.Length && Classify(rest[total..], out length) == first)
        {
            total += length;
        }

        return total;
    }

    private static CharClass Classify(ReadOnlySpan<char> text, out int length)
    {
        Rune.DecodeFromUtf16(text, out var rune, out length); // A lone surrogate decodes as U+FFFD: "other".
        // U+0345 COMBINING GREEK YPOGEGRAMMENI is a mark, not \p{L}, but under IGNORECASE it folds to a Greek iota,
        // so the negated class [^\s\p{L}\p{N}] rejects it too: no alternative matches it, exactly like whitespace.
        if (Rune.IsWhiteSpace(rune) || rune.Value == CombiningYpogegrammeni)
        {
            return CharClass.Unmatched;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharClass.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
                => CharClass.Number,
            _ => CharClass.Other,
        };
    }

    private static int NextRuneLength(ReadOnlySpan<char> text)
    {
        Rune.DecodeFromUtf16(text, out _, out var length);
        return length;
    }

    private enum CharClass
    {
        Unmatched,
        Letter,
        Number,
        Other,
    }
}
