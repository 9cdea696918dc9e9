using SdPortal.Data.Adapters;
using SdPortal.Data.ApiKeys;
using SdPortal.Data.Audit;
using SdPortal.Data.Billing;
using SdPortal.Data.Credits;
using SdPortal.Data.Entities;
using SdPortal.Data.Generation;
using SdPortal.Data.Inputs;
using SdPortal.Data.Tenancy;
using SdPortal.Data.Tenants;

namespace SdPortal.Tests.Data;

/// <summary>
/// One valid row per tenant-owned entity type, for the reflective isolation test. A new ITenantOwned entity without a
/// sample here fails that test, so coverage cannot silently drop.
/// </summary>
internal static class TenantOwnedSamples
{
    /// <summary>Rows the samples refer to: a user, and a job of the tenant for rows that hang off a job.</summary>
    public sealed record Seed(Guid UserId, Guid JobId);

    public static readonly IReadOnlyDictionary<Type, Func<Seed, Guid, ITenantOwned>> ByType =
        new Dictionary<Type, Func<Seed, Guid, ITenantOwned>>
        {
            [typeof(TenantMembership)] = (s, t) => new TenantMembership { TenantId = t, UserId = s.UserId, Role = TenantRole.Admin },
            [typeof(TenantLimits)] = (_, t) => new TenantLimits { TenantId = t },
            [typeof(TenantInvitation)] = (s, t) => new TenantInvitation
            {
                TenantId = t,
                Email = "x@example.test",
                TokenHash = Guid.NewGuid().ToString("N"),
                InvitedByUserId = s.UserId,
            },
            [typeof(ApiKey)] = (s, t) => new ApiKey
            {
                TenantId = t,
                UserId = s.UserId,
                Name = "k",
                Prefix = "sdp_x",
                SecretHash = Guid.NewGuid().ToString("N"),
            },
            [typeof(CreditLedgerEntry)] = (_, t) => new CreditLedgerEntry
            {
                TenantId = t,
                Kind = CreditEntryKind.Grant,
                Amount = 0,
                IdempotencyKey = Guid.NewGuid().ToString("N"),
            },
            [typeof(GenerationJob)] = (s, t) => Job(s.UserId, t),
            [typeof(GeneratedImage)] = (s, t) => new GeneratedImage
            {
                TenantId = t,
                JobId = s.JobId,
                Index = 7,
                ContentPath = "p",
                ContentHash = "h",
            },
            [typeof(InputImage)] = (s, t) => new InputImage
            {
                TenantId = t,
                UserId = s.UserId,
                Format = "png",
                Width = 64,
                Height = 64,
                ContentPath = "p",
                ContentHash = "h",
            },
            [typeof(LoraAdapter)] = (s, t) => new LoraAdapter
            {
                TenantId = t,
                UserId = s.UserId,
                Name = "product",
                NormalizedName = $"PRODUCT-{Guid.NewGuid():N}",
                ContentPath = "p",
                ContentHash = "h",
                Format = "kohya",
            },
            [typeof(AuditLogEntry)] = (s, t) => new AuditLogEntry { TenantId = t, ActorUserId = s.UserId, Action = "a", Details = "d" },
            [typeof(BillingAccount)] = (_, t) => new BillingAccount { TenantId = t, StripeCustomerId = $"cus_{Guid.NewGuid():N}" },
            [typeof(BillingSubscription)] = (_, t) => new BillingSubscription
            {
                TenantId = t,
                StripeSubscriptionId = $"sub_{Guid.NewGuid():N}",
                Status = "active",
            },
            [typeof(BillingGrant)] = (_, t) => new BillingGrant
            {
                TenantId = t,
                Source = $"cs_{Guid.NewGuid():N}",
                ProductKey = "small",
                StripeEventId = "evt_x",
            },
        };

    public static GenerationJob Job(Guid userId, Guid tenantId) => new()
    {
        TenantId = tenantId,
        UserId = userId,
        Spec = """{"prompt":"a lighthouse","model":"sd15"}""",
        Prompt = "a lighthouse",
        Model = "sd15",
        TotalSteps = 20,
    };
}
