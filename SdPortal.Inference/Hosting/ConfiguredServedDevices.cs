using Microsoft.Extensions.Options;

namespace SdPortal.Inference.Hosting;

/// <summary>
/// <see cref="InferenceHostOptions.Devices"/> read without loading ONNX Runtime, for a process that runs no engine (a
/// web node with <c>Jobs:RunInferenceInProcess</c> false, ADR-025): <c>auto</c> reads as the CPU, which is what it
/// resolved to on such a node before (no CUDA libraries there), and a CUDA list is taken as written.
/// </summary>
public sealed class ConfiguredServedDevices(IOptions<InferenceHostOptions> host) : IServedDevices
{
    /// <inheritdoc />
    public IReadOnlyList<string> Names => host.Value.Devices is "auto" or "cpu" ? ["cpu"] : host.Value.Devices.Split(',');
}
