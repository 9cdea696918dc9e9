namespace SdPortal.Web.Api;

/// <summary>The header a client names a retry-safe request by (generations, checkout, operator credit changes).</summary>
public static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";
}
