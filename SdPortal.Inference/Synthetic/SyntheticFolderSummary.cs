using System.Text.Json.Nodes;

namespace SdPortal.Inference.Synthetic;

/// <summary>What <see cref="SyntheticModelFolder.Write"/> produced.</summary>
/// <param name="Config">Configuration name.</param>
/// <param name="Precision">Weight and activation precision.</param>
/// <param name="Seed">Weight seed.</param>
/// <param name="Directory">The model folder.</param>
/// <param name="Components">Each ONNX component.</param>
/// <param name="Seconds">Wall time of the whole write.</param>
public sealed record SyntheticFolderSummary(
    string Config,
    SyntheticPrecision Precision,
    ulong Seed,
    string Directory,
    IReadOnlyList<SyntheticComponentSummary> Components,
    double Seconds)
{
    /// <summary>Learned parameters of all components.</summary>
    public long TotalParameters => Components.Sum(c => c.Parameters);

    /// <summary>Bytes of all ONNX files.</summary>
    public long TotalBytes => Components.Sum(c => c.Bytes);

    /// <summary>The summary as one line of JSON, as the <c>synth</c> command prints it.</summary>
    public string ToJsonLine()
    {
        var components = new JsonObject();
        foreach (var c in Components)
        {
            components[c.Name] = new JsonObject
            {
                ["parameters"] = c.Parameters,
                ["bytes"] = c.Bytes,
                ["external_data"] = c.ExternalData,
                ["seconds"] = Math.Round(c.Seconds, 3),
            };
        }

        return new JsonObject
        {
            ["config"] = Config,
            ["precision"] = SyntheticJson.PrecisionName(Precision),
            ["seed"] = Seed,
            ["out"] = Directory,
            ["parameters"] = TotalParameters,
            ["bytes"] = TotalBytes,
            ["seconds"] = Math.Round(Seconds, 3),
            ["components"] = components,
        }.ToJsonString();
    }
}
