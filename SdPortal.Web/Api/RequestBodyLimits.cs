using Microsoft.AspNetCore.Mvc;

namespace SdPortal.Web.Api;

/// <summary>
/// The largest request body each kind of route reads, in one place. Kestrel's own ceiling is set to
/// <see cref="Default"/>; a route group raises or lowers it with <see cref="WithBodyLimit{TBuilder}"/>, which the
/// routing middleware applies before the body is read. A body over its route's limit answers 413 problem details
/// (<see cref="Errors.UnreadableRequestHandler"/>) before any of it is buffered or parsed.
/// </summary>
public static class RequestBodyLimits
{
    /// <summary>Everything not named below: account form posts, pages, the dashboard.</summary>
    public const long Default = 1024 * 1024;

    /// <summary>
    /// JSON requests of the public API. The largest is a generation with two prompts of at most 4,000 characters
    /// each, even fully \u-escaped (about 50 KB).
    /// </summary>
    public const long Json = 64 * 1024;

    /// <summary>Stripe's events are a few KB; anything far larger is not one of them.</summary>
    public const long StripeWebhook = 1024 * 1024;

    /// <summary>
    /// An inference host's <c>complete</c> call carries the batch's PNGs as base64: eight 2048² images of noise-like
    /// content reach about 100 MB, so the ceiling leaves room above that. Only hosts with the host token get here.
    /// </summary>
    public const long HostResults = 256L * 1024 * 1024;

    /// <summary>Reads at most <paramref name="bytes"/> of a request body on these endpoints.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestSizeLimitAttribute(bytes));
}
