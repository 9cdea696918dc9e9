using Microsoft.Extensions.Options;
using SdPortal.Web.SharedState;

namespace SdPortal.Web.Identity;

/// <summary>
/// The per-IP budget of sign-ups (<c>Auth:RegistrationsPerWindow</c> per <c>Auth:RegistrationWindowSeconds</c>): each
/// one creates a tenant and sends mail, so an unlimited form is a way to farm tenants and to mail strangers. Taken by
/// the registration handler itself, so the API route and the sign-up page spend the same counter.
/// </summary>
public sealed class RegistrationAttemptLimiter(IOptions<AuthOptions> options, WindowCounter counter)
    : PerAddressLimiter(counter, "sign-up", options.Value.RegistrationsPerWindow, TimeSpan.FromSeconds(options.Value.RegistrationWindowSeconds));
