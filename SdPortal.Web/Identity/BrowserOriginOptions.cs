using System.ComponentModel.DataAnnotations;

namespace SdPortal.Web.Identity;

/// <summary>Which browser origins besides the portal's own may open its realtime endpoints (section <c>Portal</c>).</summary>
public sealed class BrowserOriginOptions : IValidatableObject
{
    public const string SectionName = "Portal";

    /// <summary>
    /// Extra origins (<c>Portal:AllowedOrigins</c>), each <c>scheme://host[:port]</c> with nothing after it: the public
    /// address when a proxy rewrites scheme or host, or a second front end. Empty by default: only the portal itself.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var origin in AllowedOrigins)
        {
            if (CrossOriginGuard.ParseOrigin(origin) is null)
            {
                yield return new ValidationResult(
                    $"Portal:AllowedOrigins entry '{origin}' is not an origin: write scheme://host[:port] (http or https) without a path.",
                    [nameof(AllowedOrigins)]);
            }
        }
    }
}
