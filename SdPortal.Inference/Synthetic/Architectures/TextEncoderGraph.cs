using Onnx;
using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Synthetic.Architectures;

/// <summary>
/// transformers' CLIPTextModel: token + position embeddings, pre-LN encoder layers (causal self-attention, quick_gelu
/// MLP), final LayerNorm. I/O follows diffusers' ONNX export: <c>input_ids</c> int32 [N, 77] →
/// <c>last_hidden_state</c> [N, 77, hidden] and <c>pooler_output</c> [N, hidden], the final state at the first
/// end-of-text token, found as the argmax of the ids (the EOS id 49407 is the vocabulary's largest).
/// </summary>
internal static class TextEncoderGraph
{
    private const float Epsilon = 1e-5f;

    public static OnnxGraphBuilder Build(TextEncoderConfig config, SyntheticPrecision precision)
    {
        var b = new OnnxGraphBuilder("text_encoder", precision);
        var d = config.Hidden;
        var length = config.MaxPositions;
        var ids = b.AddInput("input_ids", TensorProto.Types.DataType.Int32, "batch", length);

        // CLIP initialises token embeddings with std 0.02 and positions with 0.01; the first LayerNorm rescales anyway.
        var tokens = b.AddParameter("text_model.embeddings.token_embedding.weight", WeightInit.Std(0.02), config.VocabSize, d);
        var positions = b.AddParameter("text_model.embeddings.position_embedding.weight", WeightInit.Std(0.01), length, d);
        var h = b.Op("Add", b.Op("Gather", tokens, ids), positions); // inputs are always the full 77 positions

        var mask = b.AddConstant(CausalMask(length, precision), length, length);
        for (var i = 0; i < config.Layers; i++)
        {
            var name = $"text_model.encoder.layers.{i}";
            var n = b.LayerNorm(h, d, Epsilon, $"{name}.layer_norm1");
            var q = b.Linear(n, d, d, $"{name}.self_attn.q_proj");
            var k = b.Linear(n, d, d, $"{name}.self_attn.k_proj");
            var v = b.Linear(n, d, d, $"{name}.self_attn.v_proj");
            var attended = b.Linear(b.Attention(q, k, v, d, config.Heads, mask), d, d, $"{name}.self_attn.out_proj");
            h = b.Op("Add", h, attended);

            n = b.LayerNorm(h, d, Epsilon, $"{name}.layer_norm2");
            var mlp = b.QuickGelu(b.Linear(n, d, config.Intermediate, $"{name}.mlp.fc1"));
            h = b.Op("Add", h, b.Linear(mlp, config.Intermediate, d, $"{name}.mlp.fc2"));
        }

        var last = b.LayerNorm(h, d, Epsilon, "text_model.final_layer_norm");
        var eos = b.AddNode("ArgMax", [ids], OnnxAttributes.OfInt("axis", -1), OnnxAttributes.OfInt("keepdims", 1)); // [N, 1]
        var pooled = b.AddNode("GatherND", [last, eos], OnnxAttributes.OfInt("batch_dims", 1)); // [N, hidden]

        b.AddOutput("last_hidden_state", last, b.FloatType, "batch", length, d);
        b.AddOutput("pooler_output", pooled, b.FloatType, "batch", d);
        return b;
    }

    /// <summary>0 on and below the diagonal, the type's lowest finite value above it (as transformers builds it).</summary>
    private static float[] CausalMask(int length, SyntheticPrecision precision)
    {
        var blocked = precision == SyntheticPrecision.Fp16 ? (float)Half.MinValue : float.MinValue;
        var mask = new float[length * length];
        for (var row = 0; row < length; row++)
        {
            for (var col = row + 1; col < length; col++)
            {
                mask[(row * length) + col] = blocked;
            }
        }

        return mask;
    }
}
