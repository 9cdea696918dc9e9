using System.Buffers;
using System.Text;

namespace SdPortal.Inference.Tokenization;

/// <summary>
/// CLIP's text clean-up before pre-tokenization: <c>whitespace_clean(basic_clean(text)).lower()</c>, that is HTML
/// unescaping (twice, as the reference does), stripping, collapsing whitespace runs to one space, and lower-casing.
/// </summary>
/// <remarks>
/// The reference's basic_clean also runs ftfy.fix_text (mojibake repair, NFC, quote uncurling); like transformers'
/// CLIPTokenizer without ftfy installed, this class does not. Python's <c>strip()</c> removes <c>str.isspace()</c>
/// characters, which include U+001C..U+001F, while the regex <c>\s</c> that collapses runs does not.
/// </remarks>
internal static class ClipTextNormalizer
{
    /// <summary>Undoes HTML character references the way the reference does: <c>html.unescape</c> applied twice.</summary>
    public static string Unescape(string text) => HtmlEntityDecoder.Decode(HtmlEntityDecoder.Decode(text));

    /// <summary>
    /// The destination length that always suffices for <paramref name="inputLength"/> chars (U+0130 lower-cases to
    /// two chars; nothing else grows).
    /// </summary>
    public static int MaxOutputLength(int inputLength) => 2 * inputLength;

    /// <summary>Strips, collapses whitespace and lower-cases <paramref name="text"/> into <paramref name="destination"/>.</summary>
    /// <returns>The number of chars written.</returns>
    public static int Normalize(ReadOnlySpan<char> text, Span<char> destination)
    {
        text = StripPythonSpace(text);
        var written = 0;
        var inWhitespace = false;
        for (var i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != OperationStatus.Done)
            {
                destination[written++] = text[i++]; // A lone surrogate passes through; UTF-8 encoding replaces it later.
                inWhitespace = false;
                continue;
            }

            if (Rune.IsWhiteSpace(rune))
            {
                if (!inWhitespace)
                {
                    destination[written++] = ' ';
                    inWhitespace = true;
                }
            }
            else
            {
                written += PythonLowerCase.Lower(rune, text, i, destination[written..]);
                inWhitespace = false;
            }

            i += consumed;
        }

        return written;
    }

    private static ReadOnlySpan<char> StripPythonSpace(ReadOnlySpan<char> text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsPythonSpace(text[start]))
        {
            start++;
        }

        while (end > start && IsPythonSpace(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    // str.isspace(): White_Space plus the information separators U+001C..U+001F; all of them are in the BMP.
    private static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';
}
