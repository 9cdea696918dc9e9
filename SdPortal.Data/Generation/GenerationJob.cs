using SdPortal.Data.Tenancy;

namespace SdPortal.Data.Generation;

/// <summary>One text-to-image request: its parameters, lifecycle, timings and the credits reserved for it.</summary>
public sealed class GenerationJob : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    /// <summary>The member who submitted the job.</summary>
    public Guid UserId { get; set; }

    public GenerationJobStatus Status { get; set; } = GenerationJobStatus.Queued;

    public required string Prompt { get; set; }

    public string? NegativePrompt { get; set; }

    /// <summary>The model key, e.g. "sd15".</summary>
    public required string Model { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    public int Steps { get; set; }

    public double GuidanceScale { get; set; }

    /// <summary>The seed of the first image; null until chosen.</summary>
    public long? Seed { get; set; }

    public int BatchSize { get; set; } = 1;

    /// <summary>Credits reserved in the ledger when the job was accepted.</summary>
    public long ReservedCredits { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime? StartedAtUtc { get; set; }

    public DateTime? CompletedAtUtc { get; set; }

    /// <summary>Why the job failed, for the user; null unless <see cref="Status"/> is Failed.</summary>
    public string? Error { get; set; }
}

/// <summary>Where a generation job is in its lifecycle.</summary>
public enum GenerationJobStatus
{
    Queued = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
    Cancelled = 4,
}
