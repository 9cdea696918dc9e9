namespace SdPortal.Inference.Batching;

/// <summary>
/// Recognises a device out-of-memory failure in ONNX Runtime's error text. ORT reports it as a plain
/// OnnxRuntimeException, so the text is all there is: the BFC arena's "Failed to allocate memory for requested buffer",
/// CUDA's "out of memory" (cudaErrorMemoryAllocation), and cuDNN's or cuBLAS's ALLOC_FAILED status.
/// </summary>
internal static class OutOfMemoryErrors
{
    private static readonly string[] Markers =
    [
        "out of memory",
        "Failed to allocate memory",
        "cudaErrorMemoryAllocation",
        "CUDNN_STATUS_ALLOC_FAILED",
        "CUBLAS_STATUS_ALLOC_FAILED",
    ];

    /// <summary>Whether <paramref name="exception"/> (or an inner exception) reports that the device ran out of memory.</summary>
    public static bool IsOutOfMemory(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is not OutOfMemoryException && Markers.Any(m => e.Message.Contains(m, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }
}
