using Microsoft.Extensions.Options;

namespace SdPortal.Web.Hosting;

/// <summary>
/// The address users reach the portal at (<c>Portal:PublicBaseUrl</c>, e.g. <c>https://portal.example.com</c>), the one
/// source of every absolute link the portal hands out: mail links, Stripe's return URLs. Never the request's Host or
/// X-Forwarded-Host, which a client chooses (R28): a forged Host would otherwise put an attacker's host into a password
/// reset link. Validated at start; HTTPS here also turns on HSTS and Secure cookies.
/// </summary>
public sealed class PublicUrl
{
    public PublicUrl(IOptions<PublicUrlOptions> options)
    {
        Base = PublicUrlOptions.Parse(options.Value.PublicBaseUrl)
               ?? throw new OptionsValidationException(PublicUrlOptions.Key, typeof(PublicUrlOptions), [PublicUrlOptions.Problem]);
    }

    /// <summary>The validated base, without a trailing slash (it may carry a path when the portal is served under one).</summary>
    public Uri Base { get; }

    public bool IsHttps => Base.Scheme == Uri.UriSchemeHttps;

    /// <summary>The origin (<c>scheme://host[:port]</c>) browsers see the portal at.</summary>
    public string Origin => Base.GetLeftPart(UriPartial.Authority);

    /// <summary>The absolute URL of <paramref name="pathAndQuery"/> (starting with '/') under the public base.</summary>
    public string For(string pathAndQuery)
    {
        if (!pathAndQuery.StartsWith('/'))
        {
            throw new ArgumentException("A portal path starts with '/'.", nameof(pathAndQuery));
        }

        return Base.AbsoluteUri.TrimEnd('/') + pathAndQuery;
    }
}

/// <summary>The setting behind <see cref="PublicUrl"/> (section <c>Portal</c>).</summary>
public sealed class PublicUrlOptions : IValidateOptions<PublicUrlOptions>
{
    public const string Key = "Portal:PublicBaseUrl";

    internal const string Problem =
        Key + " must be the absolute http or https address users reach the portal at (e.g. https://portal.example.com), " +
        "without query, fragment or user info. Mail links and payment return URLs are built from it, never from the request.";

    public string? PublicBaseUrl { get; set; }

    /// <summary>The base in <paramref name="value"/>, normalised without a trailing slash, or null if it is not one.</summary>
    internal static Uri? Parse(string? value)
    {
        if (!Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0 || uri.Host.Length == 0)
        {
            return null;
        }

        return new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/'));
    }

    public ValidateOptionsResult Validate(string? name, PublicUrlOptions options) =>
        Parse(options.PublicBaseUrl) is null ? ValidateOptionsResult.Fail(Problem) : ValidateOptionsResult.Success;
}
