namespace SdPortal.Inference.Synthetic;

/// <summary>How <see cref="SyntheticModelFolder.Write"/> produces a model folder.</summary>
public sealed record SyntheticWriteOptions
{
    /// <summary>
    /// Models whose weights exceed this many bytes keep them in an external data file (<c>model.onnx.data</c>) beside
    /// <c>model.onnx</c>: protobuf messages cannot exceed 2 GB, and streaming lets the SD 1.5 UNet (3.4 GB in fp32) be
    /// written without holding it in memory. 1.5 GB leaves headroom below the protobuf limit.
    /// </summary>
    public const long DefaultExternalDataThresholdBytes = 1_500_000_000;

    /// <summary>Seed of every random weight; the same seed and options give byte-identical files.</summary>
    public ulong Seed { get; init; }

    /// <summary>Weight, activation and float I/O precision.</summary>
    public SyntheticPrecision Precision { get; init; } = SyntheticPrecision.Fp32;

    /// <summary>The form of the UNet's <c>timestep</c> input.</summary>
    public TimestepKind Timestep { get; init; } = TimestepKind.Int64PerSample;

    /// <summary>Weights larger than this (in bytes) go to an external data file; 0 forces external data for every model.</summary>
    public long ExternalDataThresholdBytes { get; init; } = DefaultExternalDataThresholdBytes;

    /// <summary>Plain ONNX graphs, or ONNX Runtime's fused CUDA form of the same weights (ADR-013).</summary>
    public SyntheticForm Form { get; init; } = SyntheticForm.Plain;

    /// <summary>Whether to write <c>vae_encoder/</c> too (needed for img2img and inpainting only).</summary>
    public bool IncludeVaeEncoder { get; init; } = true;

    /// <summary>What the VAE encoder returns; by default it samples inside the graph, as diffusers exports it.</summary>
    public VaeEncoderOutput VaeEncoderOutput { get; init; } = VaeEncoderOutput.Sample;

    /// <summary>
    /// Write the UNet as an inpainting UNet: 2c + 1 input channels (latents, mask, masked-image latents), as
    /// runwayml/stable-diffusion-inpainting's UNet takes them.
    /// </summary>
    public bool InpaintingUNet { get; init; }
}
