namespace SdPortal.Inference.Synthetic;

/// <summary>What a VAE encoder graph returns: the three forms exporters write, so the engine is tested on each.</summary>
public enum VaeEncoderOutput
{
    /// <summary>
    /// <c>latent_sample</c> drawn inside the graph, mean + exp(½·logvar)·ε with ε from <c>RandomNormalLike</c>: what
    /// diffusers' <c>convert_stable_diffusion_checkpoint_to_onnx.py</c> exports (<c>encode(sample).latent_dist.sample()</c>).
    /// </summary>
    Sample,

    /// <summary><c>latent_sample</c> = the distribution's mean (its mode): deterministic by construction.</summary>
    Mean,

    /// <summary><c>latent_parameters</c> [n, 2c, h, w]: mean and log-variance, as Optimum's exporter writes them.</summary>
    Moments,
}
