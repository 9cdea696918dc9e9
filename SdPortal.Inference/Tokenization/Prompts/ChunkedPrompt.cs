namespace SdPortal.Inference.Tokenization.Prompts;

/// <summary>A prompt cut into 77-token chunks as A1111 encodes it.</summary>
/// <param name="Chunks">The chunks, at least one.</param>
/// <param name="TokenCount">A1111's count: 75 for every chunk but the last, plus the last chunk's content tokens (what
/// its UI shows as "n/75").</param>
public sealed record ChunkedPrompt(IReadOnlyList<PromptChunk> Chunks, int TokenCount);
