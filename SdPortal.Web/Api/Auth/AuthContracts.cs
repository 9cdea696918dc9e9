namespace SdPortal.Web.Api.Auth;

public sealed record RegisterRequest(string? Email, string? Password, string? TenantName);

/// <summary>The answer to every accepted sign-up, new address or not: what to do next, and no ids (no account enumeration).</summary>
public sealed record RegistrationAcceptedResponse(string Message);

/// <summary>The membership an accepted invitation created.</summary>
public sealed record RegisterResponse(Guid UserId, Guid TenantId, string TenantSlug);

public sealed record LoginRequest(string? Email, string? Password);

public sealed record AcceptInvitationRequest(string? Token, string? Password);

public sealed record ForgotPasswordRequest(string? Email);

public sealed record ResetPasswordRequest(string? Email, string? Code, string? NewPassword);
