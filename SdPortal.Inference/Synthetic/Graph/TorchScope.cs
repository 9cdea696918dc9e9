namespace SdPortal.Inference.Synthetic.Graph;

/// <summary>
/// How PyTorch's ONNX exporter names the node of a module: its scope path, one segment per attribute with list
/// indices kept on their list (<c>down_blocks.1.attentions.0.to_q</c> → <c>/down_blocks.1/attentions.0/to_q/MatMul</c>).
/// Synthetic graphs use it so that code reading real exports (adapter matching) is exercised by every test model.
/// </summary>
public static class TorchScope
{
    /// <summary>The exporter's name for the <paramref name="opType"/> node of module <paramref name="modulePath"/>.</summary>
    public static string NodeName(string modulePath, string opType)
    {
        var segments = new List<string>();
        foreach (var part in modulePath.Split('.'))
        {
            if (segments.Count > 0 && part.Length > 0 && part.All(char.IsAsciiDigit))
            {
                segments[^1] += "." + part;
            }
            else
            {
                segments.Add(part);
            }
        }

        return "/" + string.Join('/', segments) + "/" + opType;
    }

    /// <summary>
    /// The module path of an exported node's name (<c>/a/b.0/c/MatMul</c> → <c>a.b.0.c</c>), or null for a name the
    /// exporter did not derive from a module.
    /// </summary>
    public static string? ModulePath(string nodeName)
    {
        if (nodeName.Length < 2 || nodeName[0] != '/')
        {
            return null;
        }

        var last = nodeName.LastIndexOf('/');
        return last <= 1 ? null : nodeName[1..last].Replace('/', '.');
    }
}
