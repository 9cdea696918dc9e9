using System.Text;

namespace SdPortal.Inference.Tokenization;

/// <summary>
/// Replaces HTML character references with the semantics of Python's <c>html.unescape</c> (HTML5 rules), which the
/// reference tokenizer uses: <c>&amp;#NNN;</c>, <c>&amp;#xHHH;</c> and named references, the ';' optional, a bare name
/// matched by its longest known prefix ("&amp;copy2024" is "©2024"), invalid numbers mapped as the HTML5 parser does.
/// </summary>
internal static class HtmlEntityDecoder
{
    /// <summary>Returns <paramref name="text"/> with its character references replaced (the same instance if none).</summary>
    public static string Decode(string text)
    {
        var amp = text.IndexOf('&', StringComparison.Ordinal);
        if (amp < 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var copied = 0;
        for (; amp >= 0; amp = text.IndexOf('&', Math.Max(copied, amp + 1)))
        {
            var end = HtmlCharacterReference.TryReplace(text, amp + 1, out var replacement);
            if (end < 0)
            {
                continue; // Not a reference: the '&' stays and is copied with the text around it.
            }

            result.Append(text, copied, amp - copied).Append(replacement);
            copied = end;
        }

        return result.Append(text, copied, text.Length - copied).ToString();
    }
}
