using System.Globalization;
using System.Text;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// The A1111 "parameters" text that image viewers and A1111's PNG Info read back:
/// <c>{prompt}\nNegative prompt: {neg}\nSteps: N, Sampler: X, CFG scale: G, Seed: S, Size: WxH, Model hash: H</c>.
/// As in A1111, the negative-prompt line is left out when there is no negative prompt.
/// </summary>
internal static class InfoText
{
    /// <summary>Formats the parameters of one image of <paramref name="request"/>.</summary>
    public static string Format(GenerationRequest request, ulong seed, string sampler, string modelHash)
    {
        var text = new StringBuilder(request.Prompt.Length + request.NegativePrompt.Length + 128);
        text.Append(request.Prompt).Append('\n');
        if (request.NegativePrompt.Length > 0)
        {
            text.Append("Negative prompt: ").Append(request.NegativePrompt).Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture, $"Steps: {request.Steps}, Sampler: {sampler}, ")
            .Append(CultureInfo.InvariantCulture, $"CFG scale: {request.GuidanceScale}, Seed: {seed}, ")
            .Append(CultureInfo.InvariantCulture, $"Size: {request.Width}x{request.Height}, Model hash: {modelHash}");
        return text.ToString();
    }
}
