using Onnx;
using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Synthetic.Architectures;

/// <summary>
/// The UNet's inputs as diffusers' ONNX export names and shapes them. The plain and the fused form both declare exactly
/// these, which is what lets the engine open either form unchanged (ADR-013).
/// </summary>
internal static class UNetInputs
{
    public static (string Sample, string Timestep, string Context) Declare(OnnxGraphBuilder b, UNetConfig config, TimestepKind timestepKind)
    {
        var sample = b.AddInput("sample", b.FloatType, "batch", config.InChannels, "height", "width");
        var timestep = timestepKind == TimestepKind.Int64PerSample
            ? b.AddInput("timestep", TensorProto.Types.DataType.Int64, "batch")
            : b.AddInput("timestep", b.FloatType, 1);
        var context = b.AddInput("encoder_hidden_states", b.FloatType, "batch", "sequence", config.CrossAttentionDim);
        return (sample, timestep, context);
    }
}
