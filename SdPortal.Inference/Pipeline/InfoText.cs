using System.Globalization;
using System.Text;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// The A1111 "parameters" text that image viewers and A1111's PNG Info read back:
/// <c>{prompt}\nNegative prompt: {neg}\nSteps: N, Sampler: X, CFG scale: G, Seed: S, Size: WxH, Model hash: H</c>,
/// then A1111's img2img fields (<c>Denoising strength</c>, and <c>Mask blur</c> for inpainting) and, for adapters,
/// <c>Lora hashes: "name: 12 hex digits"</c>; adapters the spec lists (not tagged in the prompt) are appended to the
/// prompt line as <c>&lt;lora:name:weight&gt;</c>, so the text alone reproduces the image.
/// As in A1111, the negative-prompt line is left out when there is no negative prompt. Line breaks and other control
/// characters inside a prompt become spaces, so a prompt cannot forge a line of its own (a second <c>Steps: 999</c>
/// line that a reader takes for the real one): the text always has the shape above.
/// </summary>
internal static class InfoText
{
    /// <summary>Formats the parameters of one image of <paramref name="request"/>.</summary>
    public static string Format(GenerationSpec request, ulong seed, string sampler, string modelHash)
    {
        var text = new StringBuilder(request.Prompt.Length + request.NegativePrompt.Length + 128);
        AppendLine(text, request.Prompt);
        foreach (var use in request.Loras ?? [])
        {
            AppendLine(text.Append(' '), LoraPromptTags.Format(use)); // listed adapters written as A1111 tags, so "reuse" brings them back
        }

        text.Append('\n');
        if (request.NegativePrompt.Length > 0)
        {
            AppendLine(text.Append("Negative prompt: "), request.NegativePrompt).Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture, $"Steps: {request.Steps}, Sampler: {sampler}, ")
            .Append(CultureInfo.InvariantCulture, $"CFG scale: {request.GuidanceScale}, Seed: {seed}, ")
            .Append(CultureInfo.InvariantCulture, $"Size: {request.Width}x{request.Height}, Model hash: {modelHash}");
        if (request.Mode != GenerationMode.TextToImage)
        {
            text.Append(CultureInfo.InvariantCulture, $", Denoising strength: {request.Strength}");
        }

        if (request.Mode == GenerationMode.Inpaint)
        {
            text.Append(CultureInfo.InvariantCulture, $", Mask blur: {request.MaskBlur}");
        }

        var hashes = request.Adapters
            .Select(use => request.Inputs?.Adapters.GetValueOrDefault(use.Name) is { } weights ? $"{use.Name}: {weights.ShortHash}" : null)
            .OfType<string>()
            .ToList();
        if (hashes.Count > 0)
        {
            AppendLine(text.Append(", Lora hashes: \""), string.Join(", ", hashes)).Append('"');
        }

        return text.ToString();
    }

    private static StringBuilder AppendLine(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            text.Append(char.IsControl(c) || c is '\u2028' or '\u2029' ? ' ' : c);
        }

        return text;
    }
}
