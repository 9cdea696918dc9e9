using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Memory;

/// <summary>
/// An upper bound of the peak resident memory of one request, from the model's architecture and the request's shape
/// alone. The largest terms are the attention score matrices: a transformer level of L = (h/2^i)·(w/2^i) latent
/// tokens holds samples × heads × L² scores, and ONNX Runtime keeps the Q·Kᵀ product and its softmax alive together,
/// so they grow with the fourth power of the image side. The factors below are calibrated against the peak resident
/// set (VmHWM) of the tiny model on the CPU, with a margin (docs/benchmarks.md, "Memory per request"), and
/// <c>MemoryEstimatorTests</c> hold the estimate above those measurements.
/// </summary>
public static class MemoryEstimator
{
    /// <summary>The process without a job: .NET, ONNX Runtime and three sessions (measured 141 MB with the tiny model at 64²).</summary>
    public const long RuntimeBytes = 192L << 20;

    /// <summary>
    /// Score-sized bytes resident per score matrix: Q·Kᵀ and its softmax are alive together (2.1 copies measured with
    /// the arena shrunk after every call), and within a pass ONNX Runtime's CPU arena grows in powers of two, which
    /// doubles that. The tiny model's peaks above the runtime divided by one copy's bytes come to 4.20–4.25 from 384²
    /// to 768²; 4.6 leaves about a tenth on top.
    /// </summary>
    public const double ScoreCopies = 4.6;

    /// <summary>Top-level activations of a sample alive at once (ResNet tensors, skip connections, feed-forward), in channel-planes.</summary>
    public const int UNetActivationPlanes = 32;

    /// <summary>Full-resolution VAE decoder activations alive at once, in channel-planes of each level.</summary>
    public const int VaeActivationPlanes = 6;

    /// <summary>The context length of the text encoder's output (CLIP: 77 tokens), for cross-attention scores.</summary>
    private const int TextTokens = 77;

    /// <summary>Estimates <paramref name="width"/>×<paramref name="height"/> with <paramref name="images"/> images per UNet pass.</summary>
    public static MemoryEstimate Estimate(ModelArchitecture model, int width, int height, int images, bool guided)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(images, 1);
        var e = model.ElementBytes;
        var h = (long)height / GenerationSpec.SizeMultiple;
        var w = (long)width / GenerationSpec.SizeMultiple;
        var samples = guided ? 2L * images : images;

        // Attention layers run one after another, so the largest level's scores are the peak, not their sum.
        var scores = 0.0;
        for (var level = 0; level < model.UNetChannels.Count; level++)
        {
            if (level < model.UNetCrossAttention.Count && model.UNetCrossAttention[level])
            {
                var tokens = (double)Math.Max(1, h >> level) * Math.Max(1, w >> level);
                var heads = model.UNetHeads[Math.Min(level, model.UNetHeads.Count - 1)];
                scores = Math.Max(scores, samples * heads * tokens * (tokens + TextTokens) * e * ScoreCopies);
            }
        }

        var activations = (double)samples * model.UNetChannels[0] * h * w * e * UNetActivationPlanes;
        var denoising = (long)(scores + activations);

        // The decoder runs one image at a time (ImageDecoder): its mid-block attention has one head over h·w tokens,
        // and each up level holds a few planes of its channels at its resolution.
        var latentTokens = (double)h * w;
        var vaeScores = latentTokens * latentTokens * e * ScoreCopies;
        var vaeActivations = 0.0;
        for (var level = 0; level < model.VaeChannels.Count; level++)
        {
            vaeActivations += (double)model.VaeChannels[level] * (height >> level) * (width >> level) * e * VaeActivationPlanes;
        }

        var decoding = (long)Math.Max(vaeScores, vaeActivations);

        // Denoiser: latents, input, prediction (×2 guided), guided noise, x̂0; decoder: float CHW image and RGB bytes.
        var hostBuffers = (7L * images * model.LatentChannels * h * w * sizeof(float)) + (3L * width * height * (sizeof(float) + 1));
        return new MemoryEstimate(RuntimeBytes, model.WeightBytes, denoising, decoding, hostBuffers);
    }
}
