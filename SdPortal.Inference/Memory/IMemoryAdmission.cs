using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Memory;

/// <summary>
/// Decides whether a request fits the job memory budget (<see cref="JobMemoryOptions"/>). It needs only the model's
/// configuration files and the request, so the web node asks it at submission (a refusal is a 400 before anything is
/// reserved) and the engine asks it again before running, to split a batch into passes.
/// </summary>
public interface IMemoryAdmission
{
    /// <summary>The budget every request is compared with, in bytes; 0 when none applies.</summary>
    long BudgetBytes { get; }

    /// <summary>The verdict for <paramref name="request"/> on model <paramref name="modelKey"/>.</summary>
    MemoryVerdict Check(string modelKey, GenerationSpec request);
}
