using Onnx;
using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Synthetic.Architectures;

/// <summary>
/// The UNet's time conditioning: diffusers' Timesteps (sinusoidal, flip_sin_to_cos true, downscale_freq_shift 0)
/// followed by TimestepEmbedding (Linear → SiLU → Linear).
/// </summary>
internal static class TimestepEmbedding
{
    private const double MaxPeriod = 10000;

    /// <summary>Returns the [N or 1, timeDim] embedding of <paramref name="timestep"/> ([N] int64 or [1] float).</summary>
    public static string Build(OnnxGraphBuilder b, string timestep, TimestepKind kind, int channels, int timeDim)
    {
        // Features are computed in float32 whatever the precision: sin/cos of arguments up to 999 are meaningless in
        // fp16, so diffusers too builds them in float32 and casts afterwards.
        var needsCast = kind == TimestepKind.Int64PerSample || b.FloatType != TensorProto.Types.DataType.Float;
        var t = needsCast ? b.Cast(timestep, TensorProto.Types.DataType.Float) : timestep;
        var half = channels / 2;
        var frequencies = Enumerable.Range(0, half)
            .Select(i => (float)Math.Exp(-Math.Log(MaxPeriod) * i / half))
            .ToArray();
        var arguments = b.Op("Mul", b.Unsqueeze(t, 1), b.AddFloat32Constant(frequencies, half)); // [N, half]
        var features = b.ToFloatType(b.Concat(-1, b.Op("Cos", arguments), b.Op("Sin", arguments))); // cos first: flip_sin_to_cos

        var h = b.SiLU(b.Linear(features, channels, timeDim, "time_embedding.linear_1"));
        return b.Linear(h, timeDim, timeDim, "time_embedding.linear_2");
    }
}
