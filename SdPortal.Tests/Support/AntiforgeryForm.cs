using System.Text.RegularExpressions;

namespace SdPortal.Tests.Support;

/// <summary>The antiforgery token of a page's form, as a browser would post it back (its cookie stays in the client).</summary>
public static partial class AntiforgeryForm
{
    public static async Task<string> TokenAsync(HttpClient client, string page)
    {
        var html = await client.GetStringAsync(new Uri(page, UriKind.Relative));
        var match = TokenInput().Match(html);
        Assert.True(match.Success, $"{page} has no antiforgery token.");
        return System.Net.WebUtility.HtmlDecode(match.Groups["token"].Value);
    }

    [GeneratedRegex("""name="__RequestVerificationToken"[^>]*value="(?<token>[^"]+)"|value="(?<token>[^"]+)"[^>]*name="__RequestVerificationToken" """)]
    private static partial Regex TokenInput();
}
