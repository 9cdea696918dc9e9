namespace SdPortal.Inference.Synthetic;

/// <summary>The floating-point type of a synthetic model's weights, activations and float graph inputs/outputs.</summary>
public enum SyntheticPrecision
{
    /// <summary>Everything in float32 (the default; what CPU inference wants).</summary>
    Fp32,

    /// <summary>
    /// The whole graph in float16, as diffusers' fp16 ONNX exports are: fp16 initializers, activations and float I/O.
    /// Only the sinusoidal timestep features are computed in float32 and cast, because sin/cos of timesteps up to 999
    /// lose too much precision in fp16. ONNX Runtime's CPU provider still runs such graphs by inserting casts around
    /// operators that have no fp16 kernel; GPU providers run them natively.
    /// </summary>
    Fp16,
}
