using System.Text.Json;
using System.Text.Json.Nodes;

namespace SdPortal.Inference.Synthetic;

/// <summary>JSON conventions of the folder's metadata files: indented, LF line ends, so files are byte-identical everywhere.</summary>
internal static class SyntheticJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, NewLine = "\n" };

    public static void Write(string path, JsonNode node) => File.WriteAllText(path, node.ToJsonString(Indented) + "\n");

    public static string PrecisionName(SyntheticPrecision precision) =>
        precision == SyntheticPrecision.Fp16 ? "fp16" : "fp32";

    public static JsonArray Array<T>(IEnumerable<T> values) => new([.. values.Select(v => JsonValue.Create(v))]);
}
