namespace SdPortal.Inference.Synthetic;

/// <summary>Shape of a CLIP text transformer (transformers' CLIPTextModel, pre-LayerNorm, quick_gelu MLP).</summary>
/// <param name="VocabSize">Token embedding rows; 49408 for the CLIP BPE vocabulary the tokenizer emits.</param>
/// <param name="MaxPositions">Sequence length of <c>input_ids</c> and of the position embedding (77).</param>
/// <param name="Hidden">Width of the residual stream and of <c>last_hidden_state</c>.</param>
/// <param name="Layers">Number of encoder layers.</param>
/// <param name="Heads">Attention heads per layer; must divide <paramref name="Hidden"/>.</param>
/// <param name="Intermediate">Width of the MLP's hidden layer.</param>
public sealed record TextEncoderConfig(int VocabSize, int MaxPositions, int Hidden, int Layers, int Heads, int Intermediate);
