using Microsoft.Extensions.Options;

namespace SdPortal.Inference.Hosting;

/// <summary>
/// <see cref="InferenceHostOptions.Devices"/> resolved against the ONNX Runtime build loaded in this process, as the
/// engine resolves it: for processes that run the engine (asking loads the native runtime).
/// </summary>
public sealed class RuntimeServedDevices(IOptions<InferenceHostOptions> host) : IServedDevices
{
    private readonly Lazy<IReadOnlyList<string>> _names = new(() => DeviceInventory.Resolve(host.Value.Devices, DeviceInventory.AvailableProviders()));

    /// <inheritdoc />
    public IReadOnlyList<string> Names => _names.Value;
}
