using SdPortal.Inference.Synthetic;

namespace SdPortal.Tests.Synthetic;

/// <summary>
/// Tiny synthetic model folders written once per test run into a temporary directory (fp32, fp16, float timestep,
/// external data), each on first use, and deleted afterwards.
/// </summary>
public sealed class TinySyntheticFolders : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sdportal-synthetic-" + Guid.NewGuid().ToString("N"));
    private readonly Lazy<string> _fp32;
    private readonly Lazy<string> _fp16;
    private readonly Lazy<string> _floatTimestep;
    private readonly Lazy<string> _externalData;

    public TinySyntheticFolders()
    {
        _fp32 = new(() => Write("fp32", new SyntheticWriteOptions()));
        _fp16 = new(() => Write("fp16", new SyntheticWriteOptions { Precision = SyntheticPrecision.Fp16 }));
        _floatTimestep = new(() => Write("float-timestep", new SyntheticWriteOptions { Timestep = TimestepKind.FloatScalar }));
        _externalData = new(() => Write("external", new SyntheticWriteOptions { ExternalDataThresholdBytes = 0 }));
    }

    /// <summary>Default options: fp32, seed 0, int64 timesteps, embedded weights.</summary>
    public string Fp32 => _fp32.Value;

    /// <summary>fp16 weights, activations and float I/O.</summary>
    public string Fp16 => _fp16.Value;

    /// <summary>fp32 with a float [1] timestep input.</summary>
    public string FloatTimestep => _floatTimestep.Value;

    /// <summary>fp32, same seed as <see cref="Fp32"/>, every component's weights in model.onnx.data.</summary>
    public string ExternalData => _externalData.Value;

    /// <summary>Writes another tiny folder under the shared temporary root.</summary>
    public string Write(string name, SyntheticWriteOptions options)
    {
        var dir = Path.Combine(_root, name);
        SyntheticModelFolder.Write(SyntheticModelConfig.Tiny, dir, options);
        return dir;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
