using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SdPortal.Data.Entities;

namespace SdPortal.Web.Identity;

/// <summary>
/// Password hashing work for requests that have no account to check, so that their time does not tell an unknown email
/// from a known one: a login for an unknown email verifies against a decoy hash, a sign-up for a taken email hashes
/// the password it was given. Same hasher and iteration count as Identity's.
/// </summary>
public sealed class DecoyPassword
{
    private static readonly PortalUser Decoy = new() { UserName = "decoy@invalid" };
    private readonly PasswordHasher<PortalUser> _hasher;
    private readonly string _decoyHash;

    public DecoyPassword(IOptions<PasswordHasherOptions> options)
    {
        _hasher = new PasswordHasher<PortalUser>(options);
        _decoyHash = _hasher.HashPassword(Decoy, Guid.NewGuid().ToString());
    }

    /// <summary>As long as checking <paramref name="password"/> against a real account's hash; the answer is always "wrong".</summary>
    public void Verify(string password) => _hasher.VerifyHashedPassword(Decoy, _decoyHash, password);

    /// <summary>As long as storing <paramref name="password"/> for a new account; the hash is thrown away.</summary>
    public void Hash(string password) => _hasher.HashPassword(Decoy, password);
}
