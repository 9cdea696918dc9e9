namespace SdPortal.Web.Identity;

/// <summary>Authentication scheme names and the portal's own claim types.</summary>
public static class PortalClaims
{
    /// <summary>The policy scheme that forwards to bearer token, API key or cookie.</summary>
    public const string PolicyScheme = "Portal";

    /// <summary>API keys (<c>Authorization: Bearer sdp_…</c>).</summary>
    public const string ApiKeyScheme = "ApiKey";

    /// <summary>The tenant an API key belongs to.</summary>
    public const string TenantId = "sdportal:tenant";

    /// <summary>The tenant a browser user picked in the switcher (a preference kept in the sign-in cookie).</summary>
    public const string SelectedTenant = "sdportal:selected_tenant";

    /// <summary>The API key that authenticated the request.</summary>
    public const string ApiKeyId = "sdportal:api_key";
}
