using System.Net;
using System.Text.RegularExpressions;

namespace SdPortal.Tests.Support;

/// <summary>
/// A browser's cookie session over plain HTTP, with the cookies carried by hand: the tests look at every Set-Cookie
/// (its Secure flag) and send headers a browser would not (X-Forwarded-*), which a cookie container would hide.
/// </summary>
public sealed partial class CookieSession(HttpClient client, Action<HttpRequestMessage>? decorate = null)
{
    public const string SignInCookie = ".AspNetCore.Identity.Application";

    private readonly Dictionary<string, string> _cookies = [];

    /// <summary>Every Set-Cookie header answered so far, as sent.</summary>
    public List<string> SetCookies { get; } = [];

    public bool HasCookie(string name) => _cookies.ContainsKey(name);

    /// <summary>Signs in through the login form (its antiforgery token included); the answer is the form post's.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string email, string password)
    {
        var token = await FormTokenAsync("/account/login");
        return await SendAsync(HttpMethod.Post, "/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["__RequestVerificationToken"] = token,
        }));
    }

    /// <summary>The antiforgery token of the first form on <paramref name="path"/>, rendered for this session's user.</summary>
    public async Task<string> FormTokenAsync(string path)
    {
        using var page = await SendAsync(HttpMethod.Get, path);
        var match = AntiforgeryField().Match(await page.Content.ReadAsStringAsync());
        Assert.True(match.Success, $"{path} rendered no antiforgery field (HTTP {(int)page.StatusCode})");
        return WebUtility.HtmlDecode(match.Groups["token"].Value);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null, Action<HttpRequestMessage>? extra = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        decorate?.Invoke(request);
        extra?.Invoke(request);
        var response = await client.SendAsync(request);
        foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            SetCookies.Add(header);
            var pair = header.Split(';', 2)[0].Split('=', 2);
            if (pair[1].Length == 0)
            {
                _cookies.Remove(pair[0]);
            }
            else
            {
                _cookies[pair[0]] = pair[1];
            }
        }

        return response;
    }

    /// <summary>The attributes (lower case) of the last Set-Cookie of <paramref name="name"/>, or null if none was set.</summary>
    public string[]? AttributesOf(string name) =>
        SetCookies.LastOrDefault(c => c.StartsWith(name + "=", StringComparison.Ordinal)) is { } header
            ? [.. header.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant())]
            : null;

    [GeneratedRegex("""name="__RequestVerificationToken" value="(?<token>[^"]+)""")]
    private static partial Regex AntiforgeryField();
}
