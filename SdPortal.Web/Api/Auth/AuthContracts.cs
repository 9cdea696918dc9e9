namespace SdPortal.Web.Api.Auth;

public sealed record RegisterRequest(string? Email, string? Password, string? TenantName);

public sealed record RegisterResponse(Guid UserId, Guid TenantId, string TenantSlug);

public sealed record LoginRequest(string? Email, string? Password);

public sealed record AcceptInvitationRequest(string? Token, string? Password);

public sealed record ForgotPasswordRequest(string? Email);

public sealed record ResetPasswordRequest(string? Email, string? Code, string? NewPassword);
