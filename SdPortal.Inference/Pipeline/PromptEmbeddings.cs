using SdPortal.Inference.Models;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// The text conditioning of a job: the prompt, and for guided jobs the negative prompt, tokenized and run through the
/// text encoder in one call as the batch [negative, prompt].
/// </summary>
/// <param name="HiddenStates">Float32 [n, SequenceLength, HiddenSize]: [negative, prompt] when guided, else [prompt].</param>
/// <param name="SequenceLength">Tokens per sequence (77 for CLIP).</param>
/// <param name="HiddenSize">The text encoder's width d.</param>
/// <param name="Guided">Whether the negative prompt was encoded too.</param>
/// <param name="PromptTruncated">Whether the prompt did not fit.</param>
/// <param name="NegativePromptTruncated">Whether the negative prompt did not fit.</param>
internal sealed record PromptEmbeddings(
    float[] HiddenStates, int SequenceLength, int HiddenSize, bool Guided, bool PromptTruncated, bool NegativePromptTruncated)
{
    /// <summary>Tokenizes and encodes the request's prompts.</summary>
    public static PromptEmbeddings Encode(
        StableDiffusionModelFolder model, GenerationSpec request, bool guided, CancellationToken cancellationToken)
    {
        var prompt = model.Tokenizer.Encode(request.Prompt);
        var negative = guided ? model.Tokenizer.Encode(request.NegativePrompt) : null;
        var length = prompt.Ids.Length;
        int[] ids = negative is null ? prompt.Ids : [.. negative.Ids, .. prompt.Ids];
        var count = ids.Length / length;

        float[] hidden = [];
        CancellableRun.Invoke(
            (model.TextEncoder, ids, count, length),
            (state, options) => hidden = state.TextEncoder.Encode(state.ids, state.count, state.length, options),
            cancellationToken);
        var hiddenSize = hidden.Length / (count * length);
        return new PromptEmbeddings(hidden, length, hiddenSize, guided, prompt.Truncated, negative?.Truncated ?? false);
    }

    /// <summary>
    /// Lays the conditioning out for a UNet batch of <paramref name="batchSize"/> images: [negative × B, prompt × B] when
    /// guided (the order <see cref="ClassifierFreeGuidance.Combine"/> reads), [prompt × B] otherwise.
    /// </summary>
    public void WriteTo(HostTensor encoderHiddenStates, int batchSize)
    {
        var sequence = SequenceLength * HiddenSize;
        var sources = HiddenStates.Length / sequence;
        for (var source = 0; source < sources; source++)
        {
            var values = HiddenStates.AsSpan(source * sequence, sequence);
            for (var k = 0; k < batchSize; k++)
            {
                encoderHiddenStates.Write(values, ((source * batchSize) + k) * sequence);
            }
        }
    }
}
