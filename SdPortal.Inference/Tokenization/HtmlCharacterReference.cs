namespace SdPortal.Inference.Tokenization;

/// <summary>
/// Reads one character reference after an '&amp;', as Python's <c>html.unescape</c> matches it:
/// <c>#[0-9]+;?</c>, <c>#[xX][0-9a-fA-F]+;?</c> or <c>[^\t\n\f &lt;&amp;#;]{1,32};?</c>.
/// </summary>
internal static class HtmlCharacterReference
{
    /// <summary>Numbers past Unicode are all treated alike, so parsing stops growing them here.</summary>
    private const int BeyondUnicode = 0x110000;

    /// <summary>
    /// HTML5's replacements for numeric references to C1 controls: the Windows-1252 character at that byte, or the
    /// control itself where Windows-1252 leaves the byte undefined.
    /// </summary>
    private static readonly char[] Windows1252 =
    [
        '\u20AC', '\u0081', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
        '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008D', '\u017D', '\u008F',
        '\u0090', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
        '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\u009D', '\u017E', '\u0178',
    ];

    /// <summary>Tries to read a reference starting at <paramref name="start"/> (just after the '&amp;').</summary>
    /// <returns>The index after the reference, or -1 when the text there is not one.</returns>
    public static int TryReplace(string text, int start, out string replacement)
    {
        replacement = string.Empty;
        if (start >= text.Length)
        {
            return -1;
        }

        return text[start] == '#' ? TryNumeric(text, start + 1, ref replacement) : TryNamed(text, start, ref replacement);
    }

    private static int TryNumeric(string text, int i, ref string replacement)
    {
        var hex = i < text.Length && text[i] is 'x' or 'X';
        var digitsStart = hex ? i + 1 : i;
        var value = 0;
        var end = digitsStart;
        for (; end < text.Length && DigitValue(text[end], hex) is var digit && digit >= 0; end++)
        {
            value = Math.Min(value * (hex ? 16 : 10) + digit, BeyondUnicode);
        }

        if (end == digitsStart)
        {
            return -1; // "&#" or "&#x" without digits is no reference, and '#' cannot start a name.
        }

        replacement = ForCodePoint(value);
        return end < text.Length && text[end] == ';' ? end + 1 : end;
    }

    private static int TryNamed(string text, int start, ref string replacement)
    {
        var end = start;
        while (end < text.Length && end - start < HtmlNamedEntities.MaxNameLength && IsNameChar(text[end]))
        {
            end++;
        }

        if (end == start)
        {
            return -1;
        }

        if (end < text.Length && text[end] == ';')
        {
            end++;
        }

        var candidate = text.AsSpan(start, end - start);
        if (HtmlNamedEntities.TryGet(candidate, out var value))
        {
            replacement = value!;
            return end;
        }

        // A legacy name may be followed by other text ("&notit;" is "¬it;"); the longest known prefix of at least
        // two chars wins and the rest of the candidate is kept as written.
        for (var length = candidate.Length - 1; length > 1; length--)
        {
            if (HtmlNamedEntities.TryGet(candidate[..length], out value))
            {
                replacement = string.Concat(value, candidate[length..]);
                return end;
            }
        }

        return -1;
    }

    private static string ForCodePoint(int value) => value switch
    {
        0 => "\uFFFD",
        '\r' => "\r",
        >= 0x80 and <= 0x9F => Windows1252[value - 0x80].ToString(),
        >= 0xD800 and <= 0xDFFF or >= BeyondUnicode => "\uFFFD",
        _ when IsDroppedCodePoint(value) => string.Empty,
        _ => char.ConvertFromUtf32(value),
    };

    // Control characters and noncharacters that HTML5 reports as parse errors; html.unescape drops them.
    private static bool IsDroppedCodePoint(int value) =>
        value is >= 0x01 and <= 0x08 or 0x0B or >= 0x0E and <= 0x1F or 0x7F or >= 0xFDD0 and <= 0xFDEF
        || (value & 0xFFFE) == 0xFFFE;

    private static bool IsNameChar(char c) => c is not ('\t' or '\n' or '\f' or ' ' or '<' or '&' or '#' or ';');

    private static int DigitValue(char c, bool hex) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' when hex => c - 'a' + 10,
        >= 'A' and <= 'F' when hex => c - 'A' + 10,
        _ => -1,
    };
}
