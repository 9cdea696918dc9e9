using SdPortal.Inference.Tokenization;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// The warning a user sees when plain prompt syntax cut a prompt at the text encoder's 75 content tokens, naming where
/// the cut fell so the user knows which words had no effect.
/// </summary>
internal static class PromptTruncation
{
    private const int MaxQuotedLength = 60;

    /// <summary>"prompt cut at 75 tokens: 'tail words…'", the quote starting at the first word that did not fit whole.</summary>
    public static string Warning(ClipTokenizer tokenizer, string field, string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

        // Whitespace always separates CLIP's pieces, so the tokens of a prefix of whole words are a prefix of the tokens.
        var tokens = 0;
        var first = words.Length;
        for (var i = 0; i < words.Length; i++)
        {
            tokens += tokenizer.ContentIds(words[i]).Count;
            if (tokens > ClipTokenizer.MaxLength - 2)
            {
                first = i;
                break;
            }
        }

        var tail = string.Join(' ', words.Skip(first));
        var quoted = tail.Length > MaxQuotedLength ? tail[..MaxQuotedLength] + "…" : tail;
        return $"{field} cut at {ClipTokenizer.MaxLength - 2} tokens: '{quoted}' and after had no effect";
    }
}
