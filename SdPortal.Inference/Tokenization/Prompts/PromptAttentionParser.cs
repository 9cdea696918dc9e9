using System.Globalization;

namespace SdPortal.Inference.Tokenization.Prompts;

/// <summary>
/// AUTOMATIC1111's attention syntax (<c>parse_prompt_attention</c>): <c>(text)</c> multiplies by 1.1, <c>[text]</c>
/// divides by 1.1, <c>(text:w)</c> multiplies by w, <c>\( \) \[ \] \\</c> are literal, a lone backslash vanishes, an
/// unmatched closing bracket or colon is text, an unclosed opening bracket applies to the rest of the prompt, and
/// <c>BREAK</c> (upper case, a word of its own) becomes a break run. Runs of equal weight are merged.
/// </summary>
/// <remarks>
/// The reference scans with one regular expression whose alternatives, in order, are: the five escapes, a lone
/// backslash, <c>(</c>, <c>[</c>, <c>:w)</c> (with optional spaces around w, w matching <c>[+-]?[.\d]+</c>), <c>)</c>,
/// <c>]</c>, a run of anything else but <c>:</c>, and <c>:</c>. This class scans the same tokens by hand. Where the
/// reference would crash on a weight that is not a number (<c>(a:1.2.3)</c>: Python's float() raises), this one
/// reads the match as text instead; weights are ASCII digits (the reference's <c>\d</c> also takes other scripts').
/// </remarks>
public static class PromptAttentionParser
{
    /// <summary>The multiplier of one pair of round brackets.</summary>
    public const double RoundBracketMultiplier = 1.1;

    /// <summary>The multiplier of one pair of square brackets.</summary>
    public const double SquareBracketMultiplier = 1 / 1.1;

    /// <summary>Parses <paramref name="text"/> into weighted runs; never empty (an empty prompt is one empty run).</summary>
    public static IReadOnlyList<WeightedText> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var runs = new List<(string Text, double Weight)>();
        var round = new Stack<int>();
        var square = new Stack<int>();
        var position = 0;
        while (position < text.Length)
        {
            var c = text[position];
            if (c == '\\')
            {
                var escaped = position + 1 < text.Length && text[position + 1] is '(' or ')' or '[' or ']' or '\\';
                runs.Add((escaped ? text[position + 1].ToString() : string.Empty, 1.0));
                position += escaped ? 2 : 1;
            }
            else if (c == '(')
            {
                round.Push(runs.Count);
                position++;
            }
            else if (c == '[')
            {
                square.Push(runs.Count);
                position++;
            }
            else if (c == ':' && TryReadWeight(text, position, out var weight, out var end) && round.Count > 0)
            {
                Multiply(runs, round.Pop(), weight);
                position = end;
            }
            else if (c == ')' && round.Count > 0)
            {
                Multiply(runs, round.Pop(), RoundBracketMultiplier);
                position++;
            }
            else if (c == ']' && square.Count > 0)
            {
                Multiply(runs, square.Pop(), SquareBracketMultiplier);
                position++;
            }
            else
            {
                var length = TokenLength(text, position);
                AddText(runs, text.Substring(position, length));
                position += length;
            }
        }

        // Unclosed brackets apply to everything after them, in the order they were opened (the reference walks its list
        // from the bottom); the order of the multiplications decides which weights come out exactly equal.
        foreach (var start in round.Reverse())
        {
            Multiply(runs, start, RoundBracketMultiplier);
        }

        foreach (var start in square.Reverse())
        {
            Multiply(runs, start, SquareBracketMultiplier);
        }

        if (runs.Count == 0)
        {
            runs.Add((string.Empty, 1.0));
        }

        return Merge(runs);
    }

    /// <summary>The length of the token at <paramref name="position"/> when it is text: a run of anything but
    /// <c>\ ( ) [ ] :</c>, or a single such character that no other rule took.</summary>
    private static int TokenLength(string text, int position)
    {
        var end = position;
        while (end < text.Length && text[end] is not ('\\' or '(' or ')' or '[' or ']' or ':'))
        {
            end++;
        }

        // A stray ')' or ']', or a ':' that does not close a weight, is one character of text (the regex's own
        // alternatives for it, or its final ':' alternative).
        return end == position ? 1 : end - position;
    }

    /// <summary>Reads <c>:\s*([+-]?[.\d]+)\s*\)</c> at <paramref name="position"/>.</summary>
    private static bool TryReadWeight(string text, int position, out double weight, out int end)
    {
        weight = 0;
        end = position + 1;
        end = SkipWhitespace(text, end);
        var numberStart = end;
        if (end < text.Length && text[end] is '+' or '-')
        {
            end++;
        }

        var digitsStart = end;
        while (end < text.Length && (text[end] == '.' || char.IsAsciiDigit(text[end])))
        {
            end++;
        }

        if (end == digitsStart)
        {
            return false;
        }

        var number = text[numberStart..end];
        end = SkipWhitespace(text, end);
        if (end >= text.Length || text[end] != ')')
        {
            return false;
        }

        end++;
        return double.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out weight);
    }

    private static int SkipWhitespace(string text, int position)
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }

        return position;
    }

    /// <summary>Adds a text token, split at each BREAK into text, break marker, text (empty parts included, as
    /// <c>re.split</c> leaves them).</summary>
    private static void AddText(List<(string Text, double Weight)> runs, string text)
    {
        var parts = PromptBreaks.Split(text);
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0)
            {
                runs.Add((WeightedText.BreakKeyword, WeightedText.BreakWeight));
            }

            runs.Add((parts[i], 1.0));
        }
    }

    private static void Multiply(List<(string Text, double Weight)> runs, int start, double multiplier)
    {
        for (var i = start; i < runs.Count; i++)
        {
            runs[i] = (runs[i].Text, runs[i].Weight * multiplier);
        }
    }

    private static List<WeightedText> Merge(List<(string Text, double Weight)> runs)
    {
        var merged = new List<WeightedText>(runs.Count);
        foreach (var (text, weight) in runs)
        {
            if (merged.Count > 0 && merged[^1].Weight == weight)
            {
                merged[^1] = merged[^1] with { Text = merged[^1].Text + text };
            }
            else
            {
                merged.Add(new WeightedText(text, weight));
            }
        }

        return merged;
    }
}
