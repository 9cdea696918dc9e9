using System.ComponentModel.DataAnnotations;

namespace SdPortal.Inference.Engine;

/// <summary>Which models exist and where their folders are (section <c>Models</c>).</summary>
public sealed class ModelCatalogOptions
{
    public const string SectionName = "Models";

    /// <summary>The key of the built-in tiny synthetic model, written on first use when no folder holds it yet.</summary>
    public const string TinySyntheticKey = "tiny-synthetic";

    /// <summary>
    /// The folder model folders are resolved against; the web node defaults it to <c>{Portal:DataDirectory}/models</c>.
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Models:Directory must name a folder.")]
    public string Directory { get; set; } = "models";

    /// <summary>
    /// Model key → folder (absolute, or relative to <see cref="Directory"/>). The tiny synthetic model is always
    /// present as <see cref="TinySyntheticKey"/> → <c>tiny-v2</c> unless the catalogue maps that key elsewhere.
    /// </summary>
    public Dictionary<string, string> Catalogue { get; } = new(StringComparer.Ordinal);

    /// <summary>The model a request without one uses.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Models:Default must name a model key.")]
    public string Default { get; set; } = TinySyntheticKey;
}
