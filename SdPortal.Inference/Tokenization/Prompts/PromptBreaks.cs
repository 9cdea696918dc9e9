namespace SdPortal.Inference.Tokenization.Prompts;

/// <summary>
/// Splits text at the BREAK keyword as the reference's <c>re.split(r"\s*\bBREAK\b\s*", text)</c> does: only the
/// upper-case word standing alone (word boundaries on both sides), together with the whitespace around it.
/// </summary>
internal static class PromptBreaks
{
    /// <summary>The parts between the breaks; one part (the text itself) when there is none.</summary>
    public static List<string> Split(string text)
    {
        var parts = new List<string>();
        var partStart = 0;
        var search = 0;
        while (true)
        {
            var found = text.IndexOf(WeightedText.BreakKeyword, search, StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            var after = found + WeightedText.BreakKeyword.Length;
            if (!IsBoundary(text, found - 1) || !IsBoundary(text, after))
            {
                search = found + 1;
                continue;
            }

            // The match begins at the start of the whitespace run before the keyword, but never before the end of
            // the previous match (the regex resumes its search there).
            var matchStart = found;
            while (matchStart > partStart && char.IsWhiteSpace(text[matchStart - 1]))
            {
                matchStart--;
            }

            var matchEnd = after;
            while (matchEnd < text.Length && char.IsWhiteSpace(text[matchEnd]))
            {
                matchEnd++;
            }

            parts.Add(text[partStart..matchStart]);
            partStart = search = matchEnd;
        }

        parts.Add(text[partStart..]);
        return parts;
    }

    /// <summary>Whether the character at <paramref name="index"/> (or the text's edge) is not a word character, so a
    /// word boundary lies beside the keyword.</summary>
    private static bool IsBoundary(string text, int index) =>
        index < 0 || index >= text.Length || !(char.IsLetterOrDigit(text[index]) || text[index] == '_');
}
