namespace SdPortal.Contracts.Jobs;

/// <summary>Body of <c>start</c>: who runs the job.</summary>
public sealed record StartJobBody(string WorkerName);

/// <summary>
/// Answer of <c>start</c> (200; 204 means nothing to do): the spec to run, in its one JSON form, the files of the input
/// images it names (base64), and the lease.
/// </summary>
public sealed record JobTicketBody(
    string Model, string Spec, byte[]? InitImage, byte[]? Mask, Guid LeaseId, double LeaseSeconds, double StallSeconds)
{
    /// <summary>The adapters' SHA-256 by name: the host fetches the files it lacks (they can be hundreds of megabytes).</summary>
    public Dictionary<string, string>? Adapters { get; init; }
}

/// <summary>Answer of <c>renew</c>: whether the lease is still held, and whether the owner asked to cancel.</summary>
public sealed record RenewAnswer(bool Held, bool Cancel);

/// <summary>Answer of <c>complete</c>: false when the result was discarded (the lease had been lost).</summary>
public sealed record CompleteAnswer(bool Accepted);

/// <summary>Body of <c>abandon</c>: why, and whether the hand-back uses up one of the job's attempts.</summary>
public sealed record AbandonBody(string Reason, bool CountsAsAttempt);

/// <summary>Body of <c>progress</c>; the preview PNG travels as base64.</summary>
public sealed record ProgressBody(int Step, int TotalSteps, byte[]? PreviewPng);

/// <summary>Answer of <c>progress</c>: whether the owner asked to cancel.</summary>
public sealed record ProgressAnswer(bool Cancel);

/// <summary>One image of <c>complete</c>; the PNG travels as base64.</summary>
public sealed record ImageBody(byte[] Png, ulong Seed, int Width, int Height);

/// <summary>Body of <c>complete</c>: the images, the seed, stage timings in milliseconds, the device and the warnings.</summary>
public sealed record CompleteBody(
    IReadOnlyList<ImageBody> Images, ulong Seed, double TextEncodingMs, double DenoisingMs, double DecodingMs, double TotalMs,
    int Steps, string Device)
{
    /// <summary>The run's warnings for the user; absent (an older worker) reads as none.</summary>
    public IReadOnlyList<string>? Warnings { get; init; }
}

/// <summary>Body of <c>fail</c>.</summary>
public sealed record ReasonBody(string Reason);
