using System.Text;

namespace SdPortal.Web.Api.Auth;

/// <summary>Turns a tenant name into its URL handle: "Acme Studio!" → "acme-studio".</summary>
internal static class Slugs
{
    public const int MaxLength = 64;

    public static string From(string name)
    {
        var slug = new StringBuilder(name.Length);
        foreach (var c in name.Trim().ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var text = slug.ToString().Trim('-');
        return text.Length > MaxLength ? text[..MaxLength].TrimEnd('-') : text;
    }
}
