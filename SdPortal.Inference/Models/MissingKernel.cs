using System.Text.RegularExpressions;

namespace SdPortal.Inference.Models;

/// <summary>
/// Recognises ONNX Runtime's "Could not find an implementation for OP(version) node with name '…'" — a graph that uses
/// an operator no provider of the session implements, typically a fused (com.microsoft GroupNorm/NhwcConv) model
/// opened on the CPU — and says what it means for the operator instead of passing on the raw message.
/// </summary>
internal static partial class MissingKernel
{
    /// <summary>The operator's name and the remedy, or null when <paramref name="ortMessage"/> is another failure.</summary>
    public static string? Describe(string ortMessage)
    {
        var match = NotImplemented().Match(ortMessage);
        if (!match.Success)
        {
            return null;
        }

        return $"uses the operator {match.Groups["op"].Value} (node '{match.Groups["node"].Value}'), which the execution "
            + "providers of this session do not implement. Fused models (ONNX Runtime's com.microsoft GroupNorm, NhwcConv, "
            + "BiasSplitGelu…, as written by `synth --form fused` or ORT's Stable Diffusion optimizer) run on the CUDA "
            + "provider only: open the model on a cuda:N device, or use the plain form on the CPU";
    }

    [GeneratedRegex(@"Could not find an implementation for (?<op>\w+)\(\d+\) node with name '(?<node>[^']*)'", RegexOptions.CultureInvariant)]
    private static partial Regex NotImplemented();
}
