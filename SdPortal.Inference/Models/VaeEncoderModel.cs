using Microsoft.ML.OnnxRuntime;

namespace SdPortal.Inference.Models;

/// <summary>
/// The VAE encoder: sample [1, 3, H, W] in [−1, 1] → the latent distribution of the image, in whichever of the three
/// forms exporters write: a sample drawn in the graph (diffusers; its random node is fed the job's noise, see
/// <see cref="VaeEncoderNoiseInput"/>), the mean, or both moments [1, 2c, h, w] (Optimum's <c>latent_parameters</c>).
/// <see cref="Encode"/> returns the unscaled latent z; the caller multiplies by the scaling factor.
/// </summary>
internal sealed class VaeEncoderModel : IDisposable
{
    private readonly OnnxModelFile _file;
    private readonly VaeEncoderNoiseInput.Rewritten? _noise;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    private VaeEncoderModel(OnnxModelFile file, VaeEncoderNoiseInput.Rewritten? noise)
    {
        _file = file;
        _noise = noise;
        Image = file.Input("image", 4, "sample");
        Latent = file.Output("latent", 4, "latent_sample", "latent_parameters", "latent_dist");
        file.RequireFloatingPoint(Image);
        file.RequireFloatingPoint(Latent);
        _inputNames = noise is null ? [Image.Name] : [Image.Name, noise.InputName];
        _outputNames = [Latent.Name];
    }

    /// <summary>The opened file (disposing it releases the encoder).</summary>
    public OnnxModelFile File => _file;

    /// <summary>The image input.</summary>
    public ModelPort Image { get; }

    /// <summary>The latent (or moments) output.</summary>
    public ModelPort Latent { get; }

    /// <summary>Whether an encode consumes standard-normal noise (a sampling graph, or moments sampled by the engine).</summary>
    public bool Samples => _noise is not null || IsMoments;

    /// <summary>Whether the output holds mean and log-variance (2c channels) rather than a latent.</summary>
    public bool IsMoments => Latent.Name == "latent_parameters" || Latent.Name == "latent_dist";

    /// <summary>
    /// Opens vae_encoder/model.onnx at <paramref name="path"/>; a graph that samples inside is rewritten to take its
    /// noise as an input first and opened from memory with options from <paramref name="optionsForRewrite"/>.
    /// </summary>
    /// <exception cref="ModelLoadException">The file is missing, malformed or not an encoder.</exception>
    public static VaeEncoderModel Open(string path, SessionOptions options, Func<SessionOptions> optionsForRewrite, CpuArena cpuArena)
    {
        var noise = System.IO.File.Exists(path) ? VaeEncoderNoiseInput.Rewrite(path) : null;
        var file = noise is null
            ? OnnxModelFile.Open(path, options, cpuArena)
            : OnnxModelFile.Open(path, noise.Model, Path.GetDirectoryName(Path.GetFullPath(path))!, optionsForRewrite, cpuArena);
        try
        {
            return new VaeEncoderModel(file, noise);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Encodes <paramref name="image"/> [1, 3, H, W] into <paramref name="latent"/> [c·h·w]; an encoder that
    /// <see cref="Samples"/> draws from <paramref name="epsilon"/> (standard normal, latent-sized, from the job's
    /// seeded stream), others ignore it.
    /// </summary>
    public void Encode(RunOptions runOptions, HostTensor image, ReadOnlySpan<float> epsilon, Span<float> latent)
    {
        if (Samples && epsilon.Length != latent.Length)
        {
            throw new ArgumentException($"The encoder samples: {latent.Length} noise values are needed, not {epsilon.Length}.", nameof(epsilon));
        }

        HostTensor? noiseTensor = null;
        try
        {
            OrtValue[] inputs = [image.Value];
            if (_noise is not null)
            {
                var (height, width) = (image.Shape[2] / StableDiffusionModelFolder.VaeSpatialFactor, image.Shape[3] / StableDiffusionModelFolder.VaeSpatialFactor);
                var fed = new float[epsilon.Length];
                for (var i = 0; i < fed.Length; i++)
                {
                    fed[i] = _noise.Mean + (_noise.Scale * epsilon[i]);
                }

                noiseTensor = HostTensor.Create(Image.ElementType, 1, latent.Length / (height * width), height, width);
                noiseTensor.Write(fed);
                inputs = [image.Value, noiseTensor.Value];
            }

            using var outputs = _file.Session.Run(_file.Prepare(runOptions), _inputNames, inputs, _outputNames);
            var output = outputs[0];
            var produced = output.GetTensorTypeAndShape().ElementCount;
            if (!IsMoments)
            {
                Check(produced, latent.Length);
                HostTensor.ReadFrom(output, latent);
                return;
            }

            // Moments: mean + exp(½·clamp(logvar, −30, 20))·ε, as diffusers' DiagonalGaussianDistribution.sample().
            Check(produced, 2 * latent.Length);
            var moments = new float[produced];
            HostTensor.ReadFrom(output, moments);
            for (var i = 0; i < latent.Length; i++)
            {
                var logVariance = Math.Clamp(moments[latent.Length + i], -30f, 20f);
                latent[i] = moments[i] + (MathF.Exp(0.5f * logVariance) * epsilon[i]);
            }
        }
        finally
        {
            noiseTensor?.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();

    private void Check(long produced, int expected)
    {
        if (produced != expected)
        {
            throw new InvalidOperationException($"{_file.Path} produced {produced} values; {expected} expected for the image size.");
        }
    }
}
