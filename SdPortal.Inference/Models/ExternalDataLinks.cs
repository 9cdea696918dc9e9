using Onnx;

namespace SdPortal.Inference.Models;

/// <summary>Lets a rewritten copy of a model file in a scratch folder find the original's external data.</summary>
internal static class ExternalDataLinks
{
    /// <summary>
    /// External data is found relative to the model file: the rewritten copy gets a symbolic link to each file the
    /// original names, so no weight is copied.
    /// </summary>
    public static void Create(ModelProto model, string sourceDirectory, string scratchDirectory)
    {
        var locations = model.Graph.Initializer
            .Where(t => t.DataLocation == TensorProto.Types.DataLocation.External)
            .SelectMany(t => t.ExternalData.Where(e => e.Key == "location").Select(e => e.Value))
            .Distinct(StringComparer.Ordinal);
        foreach (var location in locations)
        {
            var target = Path.GetFullPath(Path.Combine(sourceDirectory, location));
            var link = Path.GetFullPath(Path.Combine(scratchDirectory, location));
            if (!target.StartsWith(sourceDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                || !link.StartsWith(scratchDirectory, StringComparison.Ordinal))
            {
                throw new ModelLoadException(target, "is external data outside the model's folder");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, target);
        }
    }
}
