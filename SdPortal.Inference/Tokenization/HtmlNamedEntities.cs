using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace SdPortal.Inference.Tokenization;

/// <summary>The HTML5 named character references, loaded once from the embedded html5-entities.txt.</summary>
internal static class HtmlNamedEntities
{
    /// <summary>The longest name, ';' included ("CounterClockwiseContourIntegral;").</summary>
    public const int MaxNameLength = 32;

    private const string ResourceName = "SdPortal.Inference.Tokenization.html5-entities.txt";

    private static readonly Lazy<FrozenDictionary<string, string>> Table = new(Load);

    /// <summary>Finds the text a name (with its ';' if the reference had one) stands for.</summary>
    public static bool TryGet(ReadOnlySpan<char> name, out string? value) =>
        Table.Value.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out value);

    private static FrozenDictionary<string, string> Load()
    {
        using var stream = typeof(HtmlNamedEntities).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            var value = new StringBuilder(2);
            foreach (var hex in line[(tab + 1)..].Split(' '))
            {
                value.Append(char.ConvertFromUtf32(int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }

            entries[line[..tab]] = value.ToString();
        }

        return entries.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
