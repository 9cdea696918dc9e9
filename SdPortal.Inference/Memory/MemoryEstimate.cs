namespace SdPortal.Inference.Memory;

/// <summary>The parts of a request's estimated peak resident memory, in bytes (see <see cref="MemoryEstimator"/>).</summary>
/// <param name="Runtime">The process's own: .NET, ONNX Runtime, the sessions' kernels and plans.</param>
/// <param name="Weights">The model's weights.</param>
/// <param name="Denoising">The UNet call's activations for the images of one pass.</param>
/// <param name="Decoding">The VAE decoder's activations for one image at full resolution.</param>
/// <param name="HostBuffers">The pipeline's own latent and image buffers.</param>
public sealed record MemoryEstimate(long Runtime, long Weights, long Denoising, long Decoding, long HostBuffers)
{
    /// <summary>
    /// The peak: denoising and decoding do not overlap (ONNX Runtime's CPU arena is shrunk after every call, ADR-016),
    /// so only the larger of them counts.
    /// </summary>
    public long PeakBytes => Runtime + Weights + HostBuffers + Math.Max(Denoising, Decoding);
}
