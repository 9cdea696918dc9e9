using System.ComponentModel.DataAnnotations;

namespace SdPortal.Web.Identity;

/// <summary>Sign-in settings (section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Lifetime of a login bearer token.</summary>
    [Range(1, 24 * 60)]
    public int AccessTokenMinutes { get; set; } = 60;

    /// <summary>Login attempts one IP address may make per window (credential stuffing, R19); more answer 429.</summary>
    [Range(1, 10_000)]
    public int LoginAttemptsPerWindow { get; set; } = 20;

    /// <summary>The length of the login rate-limit window.</summary>
    [Range(1, 3600)]
    public int LoginWindowSeconds { get; set; } = 60;

    /// <summary>Sign-ups one IP address may make per window (tenant farming, mail to strangers); more answer 429.</summary>
    [Range(1, 10_000)]
    public int RegistrationsPerWindow { get; set; } = 10;

    /// <summary>The length of the sign-up rate-limit window.</summary>
    [Range(1, 24 * 3600)]
    public int RegistrationWindowSeconds { get; set; } = 3600;

    /// <summary>How long an invitation token stays valid.</summary>
    [Range(1, 90)]
    public int InvitationDays { get; set; } = 7;
}
