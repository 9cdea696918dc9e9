using Microsoft.ML.OnnxRuntime;

namespace SdPortal.Inference.Hosting;

/// <summary>Turns the <see cref="InferenceHostOptions.Devices"/> setting into the devices this host will serve.</summary>
public static class DeviceInventory
{
    /// <summary>The execution provider name ONNX Runtime reports when its CUDA build is loaded.</summary>
    public const string CudaProvider = "CUDAExecutionProvider";

    /// <summary>Device names to serve, e.g. ["cpu"] or ["cuda:0", "cuda:1"].</summary>
    public static IReadOnlyList<string> Resolve(string setting, IReadOnlyCollection<string> availableProviders)
    {
        if (setting == "cpu")
        {
            return ["cpu"];
        }

        if (setting == "auto")
        {
            // ORT cannot count GPUs; without an explicit list a CUDA build serves device 0, which covers one-GPU hosts.
            return availableProviders.Contains(CudaProvider) && CudaLoads(0) ? ["cuda:0"] : ["cpu"];
        }

        if (!availableProviders.Contains(CudaProvider))
        {
            throw new InvalidOperationException(
                $"Inference:Devices asks for '{setting}' but this ONNX Runtime build offers no CUDA execution provider.");
        }

        return setting.Split(',');
    }

    /// <summary>
    /// Whether the CUDA provider library and its CUDA/cuDNN dependencies load: the GPU package lists the provider even on
    /// machines without them, and appending it is where the shared libraries are actually loaded.
    /// </summary>
    public static bool CudaLoads(int deviceId)
    {
        try
        {
            using var options = new SessionOptions();
            options.AppendExecutionProvider_CUDA(deviceId);
            return true;
        }
        catch (OnnxRuntimeException)
        {
            return false;
        }
    }

    /// <summary>The providers of the ONNX Runtime build loaded in this process.</summary>
    public static IReadOnlyCollection<string> AvailableProviders() => OrtEnv.Instance().GetAvailableProviders();
}
