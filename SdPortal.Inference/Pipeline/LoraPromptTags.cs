using System.Globalization;
using System.Text.RegularExpressions;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// A1111's extra-network syntax for adapters in a prompt: <c>&lt;lora:name&gt;</c> or <c>&lt;lora:name:weight&gt;</c>.
/// The tags choose adapters and are removed from the text the tokenizer sees; they are read only under
/// <see cref="PromptSyntax.A1111"/> (a plain prompt is taken literally).
/// </summary>
public static partial class LoraPromptTags
{
    /// <summary>The tags of <paramref name="prompt"/> in order, each with its weight (1 when omitted), or the tag whose weight is not a number.</summary>
    public static (IReadOnlyList<LoraUse> Uses, string? InvalidTag) Read(string? prompt)
    {
        var uses = new List<LoraUse>();
        foreach (Match match in Tag().Matches(prompt ?? string.Empty))
        {
            var weight = 1d;
            if (match.Groups["weight"].Success
                && !double.TryParse(match.Groups["weight"].Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out weight))
            {
                return (uses, match.Value);
            }

            uses.Add(new LoraUse(match.Groups["name"].Value.Trim(), weight));
        }

        return (uses, null);
    }

    /// <summary><paramref name="prompt"/> without its adapter tags, as the tokenizer reads it.</summary>
    public static string Strip(string prompt) => Tag().Replace(prompt, string.Empty);

    /// <summary>The tag that reproduces <paramref name="use"/>.</summary>
    public static string Format(LoraUse use) =>
        string.Create(CultureInfo.InvariantCulture, $"<lora:{use.Name}:{use.Weight:0.###}>");

    [GeneratedRegex(@"<lora:(?<name>[^:<>]+)(?::(?<weight>[^:<>]*))?>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Tag();
}
