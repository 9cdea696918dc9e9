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

    /// <param name="config">The shape.</param>
    /// <param name="precision">Weight and activation type.</param>
    /// <param name="form">
    /// Plain: q/k/v projections and a MatMul/Softmax attention with an additive causal mask. Fused: the same weights as
    /// one com.microsoft.Attention (merged QKV, unidirectional), which ONNX Runtime runs on the CPU (float32) and CUDA.
    /// </param>
    public static OnnxGraphBuilder Build(TextEncoderConfig config, SyntheticPrecision precision, SyntheticForm form = SyntheticForm.Plain)
    {
        var b = new OnnxGraphBuilder("text_encoder", precision);
        var d = config.Hidden;
        var length = config.MaxPositions;
        var ids = b.AddInput("input_ids", TensorProto.Types.DataType.Int32, "batch", length);

        // CLIP initialises token embeddings with std 0.02 and positions with 0.01; the first LayerNorm rescales anyway.
        var tokens = b.AddParameter("text_model.embeddings.token_embedding.weight", WeightInit.Std(0.02), config.VocabSize, d);
        var positions = b.AddParameter("text_model.embeddings.position_embedding.weight", WeightInit.Std(0.01), length, d);
        var h = b.Op("Add", b.Op("Gather", tokens, ids), positions); // inputs are always the full 77 positions

        var mask = form == SyntheticForm.Plain ? b.AddConstant(CausalMask(length, precision), length, length) : null;
        for (var i = 0; i < config.Layers; i++)
        {
            var name = $"text_model.encoder.layers.{i}";
            var n = b.LayerNorm(h, d, Epsilon, $"{name}.layer_norm1");
            var attention = mask is null
                ? b.MergedQkvCausalAttention(n, d, config.Heads, $"{name}.self_attn")
                : SeparateProjectionAttention(b, n, d, config.Heads, mask, $"{name}.self_attn");
            var attended = b.Linear(attention, d, d, $"{name}.self_attn.out_proj");
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

    private static string SeparateProjectionAttention(OnnxGraphBuilder b, string n, int d, int heads, string mask, string name)
    {
        var q = b.Linear(n, d, d, $"{name}.q_proj");
        var k = b.Linear(n, d, d, $"{name}.k_proj");
        var v = b.Linear(n, d, d, $"{name}.v_proj");
        return b.Attention(q, k, v, d, heads, mask);
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
