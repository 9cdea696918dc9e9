using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace SdPortal.Inference.Models;

/// <summary>
/// Builds the <see cref="SessionOptions"/> for a requested <see cref="InferenceDevice"/>: the CUDA execution provider
/// when it was asked for and can be appended, the CPU provider otherwise. The outcome is logged once per model folder.
/// </summary>
internal static partial class ExecutionProviderSelector
{
    private const string CudaProviderName = "CUDAExecutionProvider";

    /// <summary>
    /// Returns session options for <paramref name="requested"/> and the device they actually target; a GPU's provider is
    /// set up from <paramref name="cuda"/> (the defaults when null); <paramref name="cpuArena"/> says whether the CPU
    /// allocator has an arena (ADR-016; shrinking it is a run option, see <see cref="OnnxModelFile"/>);
    /// <paramref name="sessions"/> sets threads and the memory pattern (ORT's defaults when null).
    /// </summary>
    public static (SessionOptions Options, InferenceDevice Device) Create(
        InferenceDevice requested, ILogger logger, CudaProviderSettings? cuda = null, CpuArena cpuArena = CpuArena.Shrinking,
        SessionSettings? sessions = null)
    {
        // The environment must exist before any provider is appended (it owns logging and the provider registry).
        var env = OrtEnv.Instance();
        var options = NewOptions(cpuArena, sessions);
        if (requested.Kind != InferenceDeviceKind.Cuda)
        {
            LogChosen(logger, InferenceDevice.Cpu.ToString(), env.GetVersionString());
            return (options, InferenceDevice.Cpu);
        }

        if (!env.GetAvailableProviders().Contains(CudaProviderName, StringComparer.Ordinal))
        {
            LogFallback(logger, requested.ToString(), "this ONNX Runtime build has no CUDA provider", null);
            return (options, InferenceDevice.Cpu);
        }

        try
        {
            using var provider = new OrtCUDAProviderOptions();
            provider.UpdateOptions(new Dictionary<string, string>((cuda ?? new CudaProviderSettings()).ToProviderOptions(requested.DeviceId)));
            options.AppendExecutionProvider_CUDA(provider);
        }
        catch (OnnxRuntimeException ex)
        {
            // The provider library or the CUDA runtime could not be loaded: run on the CPU and say why.
            options.Dispose();
            LogFallback(logger, requested.ToString(), ex.Message, ex);
            var cpuOptions = NewOptions(cpuArena, sessions);
            return (cpuOptions, InferenceDevice.Cpu);
        }

        LogChosen(logger, requested.ToString(), env.GetVersionString());
        return (options, requested);
    }

    private static SessionOptions NewOptions(CpuArena cpuArena, SessionSettings? sessions)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            EnableCpuMemArena = cpuArena != CpuArena.Off,
        };
        sessions?.ApplyTo(options);
        return options;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ONNX Runtime {Version}: sessions run on {Device}")]
    private static partial void LogChosen(ILogger logger, string device, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Requested} was requested but {Reason}; sessions run on the CPU")]
    private static partial void LogFallback(ILogger logger, string requested, string reason, Exception? exception);
}
