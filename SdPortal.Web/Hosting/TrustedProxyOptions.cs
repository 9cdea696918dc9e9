using System.ComponentModel.DataAnnotations;
using System.Net;

namespace SdPortal.Web.Hosting;

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> the portal believes
/// (<c>Portal:TrustedProxies</c>): IP addresses (<c>10.0.0.5</c>) and CIDR networks (<c>10.0.0.0/8</c>). Empty by
/// default, and then the headers are ignored entirely: anyone can send them, so believing them from an unlisted peer
/// would let a client pick its own address for the per-IP limits and claim HTTPS for the Secure cookie and HSTS.
/// </summary>
public sealed class TrustedProxyOptions : IValidatableObject
{
    public const string SectionName = "Portal";

    public const string Key = "Portal:TrustedProxies";

    public IList<string> TrustedProxies { get; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var entry in TrustedProxies)
        {
            if (Parse(entry) is null)
            {
                yield return new ValidationResult(
                    $"{Key} entry '{entry}' is neither an IP address (10.0.0.5, ::1) nor a CIDR network with no host bits set (10.0.0.0/8, fd00::/8).",
                    [nameof(TrustedProxies)]);
            }
        }
    }

    /// <summary>The listed entries as networks (an address is a network of one).</summary>
    internal IReadOnlyList<IPNetwork> Networks() => [.. TrustedProxies.Select(e => Parse(e)!.Value)];

    internal static IPNetwork? Parse(string? entry)
    {
        var text = entry?.Trim();
        if (IPAddress.TryParse(text, out var address) && !text!.Contains('/', StringComparison.Ordinal))
        {
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        // A network with host bits set (10.0.0.1/8) is refused rather than widened silently: it is more often a proxy's
        // address with a stray mask than a wish to trust the whole /8.
        return IPNetwork.TryParse(text, out var network) && IPAddress.TryParse(text!.Split('/')[0], out var written) && written.Equals(network.BaseAddress)
            ? network
            : null;
    }
}
