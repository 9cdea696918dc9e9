using System.Globalization;

namespace SdPortal.Inference.Models;

/// <summary>Where a model's sessions run: the CPU, or one CUDA GPU by ordinal.</summary>
public readonly record struct InferenceDevice
{
    private InferenceDevice(InferenceDeviceKind kind, int deviceId)
    {
        Kind = kind;
        DeviceId = deviceId;
    }

    /// <summary>The kind of execution provider.</summary>
    public InferenceDeviceKind Kind { get; }

    /// <summary>The CUDA device ordinal; 0 for the CPU.</summary>
    public int DeviceId { get; }

    /// <summary>ONNX Runtime's CPU execution provider.</summary>
    public static InferenceDevice Cpu => new(InferenceDeviceKind.Cpu, 0);

    /// <summary>ONNX Runtime's CUDA execution provider on GPU <paramref name="deviceId"/>.</summary>
    public static InferenceDevice Cuda(int deviceId = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deviceId);
        return new(InferenceDeviceKind.Cuda, deviceId);
    }

    /// <summary>Parses "cpu", "cuda" or "cuda:N" (case-insensitive).</summary>
    /// <exception cref="FormatException">The text names no known device.</exception>
    public static InferenceDevice Parse(string text) =>
        TryParse(text, out var device)
            ? device
            : throw new FormatException($"Unknown device '{text}': expected cpu, cuda or cuda:N.");

    /// <summary>Parses "cpu", "cuda" or "cuda:N" (case-insensitive); false when the text names no known device.</summary>
    public static bool TryParse(string text, out InferenceDevice device)
    {
        var value = text.Trim().ToUpperInvariant();
        device = Cpu;
        if (value == "CPU")
        {
            return true;
        }

        if (value == "CUDA")
        {
            device = Cuda();
            return true;
        }

        if (value.StartsWith("CUDA:", StringComparison.Ordinal)
            && int.TryParse(value.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            device = Cuda(id);
            return true;
        }

        return false;
    }

    /// <inheritdoc />
    public override string ToString() =>
        Kind == InferenceDeviceKind.Cpu ? "cpu" : string.Create(CultureInfo.InvariantCulture, $"cuda:{DeviceId}");
}

/// <summary>The execution providers the engine knows.</summary>
public enum InferenceDeviceKind
{
    /// <summary>ONNX Runtime's default CPU provider.</summary>
    Cpu,

    /// <summary>NVIDIA GPUs through the CUDA provider.</summary>
    Cuda,
}
