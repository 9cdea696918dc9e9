using System.Diagnostics.CodeAnalysis;

namespace SdPortal.Inference.Tokenization;

/// <summary>A prompt as the CLIP text encoder consumes it.</summary>
/// <param name="Ids">
/// Exactly <see cref="ClipTokenizer.MaxLength"/> ids: BOS, at most 75 content tokens, EOS, then the pad id.
/// </param>
/// <param name="ContentTokenCount">
/// How many content tokens (excluding BOS and EOS) the whole prompt produced before truncation; UIs use it to warn
/// that the tail of a prompt was ignored.
/// </param>
/// <param name="Truncated">True when <paramref name="ContentTokenCount"/> exceeded the 75 content slots.</param>
[SuppressMessage("Performance", "CA1819:Properties should not return arrays",
    Justification = "The ids are handed straight to the ONNX input tensor; the array is the contract.")]
public sealed record TokenizedPrompt(int[] Ids, int ContentTokenCount, bool Truncated);
