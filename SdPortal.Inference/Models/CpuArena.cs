namespace SdPortal.Inference.Models;

/// <summary>
/// How ONNX Runtime's CPU allocator treats memory between calls (ADR-016). <see cref="Shrinking"/> is the engine's
/// choice; the others exist so that <c>memory-bench</c> can measure what it is chosen over.
/// </summary>
public enum CpuArena
{
    /// <summary>
    /// The arena, shrunk (run option <c>memory.enable_memory_arena_shrinkage = cpu:0</c>) after every text encoder and
    /// VAE call and after the last UNet step of each pass: the UNet's buffers are reused from step to step, then go back
    /// to the operating system before the decoder runs, so a finished job holds only the weights.
    /// </summary>
    Shrinking,

    /// <summary>ONNX Runtime's default: the arena keeps every region it ever grew to, for the life of the session.</summary>
    Kept,

    /// <summary>No arena (<c>SessionOptions.EnableCpuMemArena = false</c>): every tensor from the C heap.</summary>
    Off,
}
