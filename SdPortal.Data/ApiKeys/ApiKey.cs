using SdPortal.Data.Tenancy;

namespace SdPortal.Data.ApiKeys;

/// <summary>A tenant's API key. It authenticates as its creator inside its tenant; only a SHA-256 of it is stored.</summary>
public sealed class ApiKey : ITenantOwned
{
    /// <summary>The prefix every key starts with, so the authentication scheme can tell keys from login tokens.</summary>
    public const string KeyPrefix = "sdp_";

    /// <summary>How many leading characters of a key are kept to show in lists.</summary>
    public const int ShownPrefixLength = 12;

    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    /// <summary>The member who created the key; requests made with it act with that member's current role.</summary>
    public Guid UserId { get; set; }

    public required string Name { get; set; }

    /// <summary>The first <see cref="ShownPrefixLength"/> characters of the key, to recognise it.</summary>
    public required string Prefix { get; set; }

    /// <summary>SHA-256 (hex) of the whole key.</summary>
    public required string SecretHash { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime? LastUsedAtUtc { get; set; }

    /// <summary>Set once; a revoked key never authenticates again.</summary>
    public DateTime? RevokedAtUtc { get; set; }
}
