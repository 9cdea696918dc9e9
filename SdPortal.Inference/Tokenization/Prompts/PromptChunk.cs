using System.Diagnostics.CodeAnalysis;

namespace SdPortal.Inference.Tokenization.Prompts;

/// <summary>One 77-token sequence of a chunked prompt, as the text encoder takes it, and each token's multiplier.</summary>
/// <param name="Ids">BOS, up to 75 content tokens, EOS, then padding: exactly <see cref="ClipTokenizer.MaxLength"/>.</param>
/// <param name="Weights">Each token's attention multiplier (1 for BOS, EOS and padding), as float32 like the reference's
/// tensor.</param>
[SuppressMessage("Performance", "CA1819:Properties should not return arrays",
    Justification = "The ids and weights go straight into the encoder's input and the emphasis; the arrays are the contract.")]
public sealed record PromptChunk(int[] Ids, float[] Weights);
