using Microsoft.ML.OnnxRuntime;

namespace SdPortal.Inference.Models;

/// <summary>The VAE decoder: latent_sample [1, c, h, w] → sample [1, 3, 8h, 8w] with values in [−1, 1].</summary>
internal sealed class VaeDecoderModel : IDisposable
{
    private readonly OnnxModelFile _file;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    public VaeDecoderModel(OnnxModelFile file)
    {
        _file = file;
        Latent = file.Input("latent", 4, "latent_sample");
        Image = file.Output("image", 4, "sample");
        file.RequireFloatingPoint(Latent);
        file.RequireFloatingPoint(Image);
        _inputNames = [Latent.Name];
        _outputNames = [Image.Name];
    }

    /// <summary>The latent input.</summary>
    public ModelPort Latent { get; }

    /// <summary>The decoded image output.</summary>
    public ModelPort Image { get; }

    /// <summary>Decodes the latent in <paramref name="latent"/> and writes the CHW float image to <paramref name="image"/>.</summary>
    public void Decode(RunOptions runOptions, HostTensor latent, Span<float> image)
    {
        using var outputs = _file.Session.Run(_file.Prepare(runOptions), _inputNames, [latent.Value], _outputNames);
        var output = outputs[0];
        var produced = output.GetTensorTypeAndShape().ElementCount;
        if (produced != image.Length)
        {
            throw new InvalidOperationException(
                $"{_file.Path} produced {produced} values; {image.Length} expected for the requested image size.");
        }

        HostTensor.ReadFrom(output, image);
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
