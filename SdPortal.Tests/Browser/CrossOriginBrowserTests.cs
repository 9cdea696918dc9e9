using System.Net;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SdPortal.Data;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Browser;

/// <summary>R22: a foreign origin cannot open a circuit or a hub connection; a form POST without an antiforgery token changes nothing.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed partial class CrossOriginBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string ForeignOrigin = "https://evil.example";

    [Fact]
    public async Task CircuitEndpoint_RefusesAForeignOrigin_AndServesItsOwnOrigin()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        portal.StartOnKestrel();
        var own = portal.Url(string.Empty);
        using var http = new HttpClient();

        var (foreignSocket, foreignStatus) = await OpenWebSocketAsync(portal, "/_blazor", ForeignOrigin);
        var (ownSocket, _) = await OpenWebSocketAsync(portal, "/_blazor", own);
        var foreignNegotiate = await NegotiateAsync(http, portal.Url("/_blazor/negotiate?negotiateVersion=1"), ForeignOrigin);
        var ownNegotiate = await NegotiateAsync(http, portal.Url("/_blazor/negotiate?negotiateVersion=1"), own);
        var noOriginNegotiate = await NegotiateAsync(http, portal.Url("/_blazor/negotiate?negotiateVersion=1"), origin: null);
        var foreignLongPoll = await http.SendAsync(WithOrigin(new HttpRequestMessage(HttpMethod.Get, portal.Url("/_blazor?id=anything")), ForeignOrigin));

        output.WriteLine($"R22: WebSocket to /_blazor from {ForeignOrigin}: {(foreignSocket ? "connected" : $"refused, HTTP {(int)foreignStatus}")}; from {own}: {(ownSocket ? "connected" : "refused")}");
        output.WriteLine($"R22: /_blazor/negotiate from {ForeignOrigin}: HTTP {(int)foreignNegotiate}; own origin: HTTP {(int)ownNegotiate}; no Origin: HTTP {(int)noOriginNegotiate}; long poll from {ForeignOrigin}: HTTP {(int)foreignLongPoll.StatusCode}");
        Assert.False(foreignSocket);
        Assert.Equal(HttpStatusCode.Forbidden, foreignStatus);
        Assert.True(ownSocket);
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.OK), (foreignNegotiate, ownNegotiate, noOriginNegotiate));
        Assert.Equal(HttpStatusCode.Forbidden, foreignLongPoll.StatusCode);
    }

    [Fact]
    public async Task CircuitEndpoint_ServesAConfiguredOrigin_AndStillRefusesOthers()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Portal:AllowedOrigins:0"] = "https://studio.example" });
        portal.StartOnKestrel();
        using var http = new HttpClient();
        var negotiate = portal.Url("/_blazor/negotiate?negotiateVersion=1");

        var listed = await NegotiateAsync(http, negotiate, "https://studio.example");
        var otherPort = await NegotiateAsync(http, negotiate, "https://studio.example:8443");
        var foreign = await NegotiateAsync(http, negotiate, ForeignOrigin);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (listed, otherPort, foreign));
    }

    [Fact]
    public async Task CircuitEndpoint_ServesThePublicOrigin_WithoutListingIt()
    {
        // Behind a TLS-terminating proxy the browser's Origin is the public https one, whatever the request looks like here.
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Portal:PublicBaseUrl"] = "http://portal.example:8080/app" });
        portal.StartOnKestrel();
        using var http = new HttpClient();
        var negotiate = portal.Url("/_blazor/negotiate?negotiateVersion=1");

        var publicOrigin = await NegotiateAsync(http, negotiate, "http://portal.example:8080");
        var otherPort = await NegotiateAsync(http, negotiate, "http://portal.example");
        var foreign = await NegotiateAsync(http, negotiate, ForeignOrigin);

        output.WriteLine($"/_blazor/negotiate from the public origin: HTTP {(int)publicOrigin}; same host, other port: HTTP {(int)otherPort}; {ForeignOrigin}: HTTP {(int)foreign}");
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (publicOrigin, otherPort, foreign));
    }

    [Fact]
    public async Task GenerationHub_RefusesAForeignOrigin_AndServesItsOwnOriginAndTokenClients()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        portal.StartOnKestrel();
        var (_, owner) = await portal.RegisterAndLoginAsync("Origin Keepers");
        var negotiate = new Uri("/hubs/generations/negotiate?negotiateVersion=1", UriKind.Relative);

        var foreign = await owner.SendAsync(WithOrigin(new HttpRequestMessage(HttpMethod.Post, negotiate), ForeignOrigin));
        var own = await owner.SendAsync(WithOrigin(new HttpRequestMessage(HttpMethod.Post, negotiate), portal.Url(string.Empty)));
        // The .NET SignalR client of an API user sends no Origin.
        var noOrigin = await owner.SendAsync(new HttpRequestMessage(HttpMethod.Post, negotiate));
        var (foreignSocket, foreignStatus) = await OpenWebSocketAsync(portal, "/hubs/generations", ForeignOrigin);

        output.WriteLine($"R22: /hubs/generations/negotiate from {ForeignOrigin}: HTTP {(int)foreign.StatusCode}; own origin: HTTP {(int)own.StatusCode}; no Origin: HTTP {(int)noOrigin.StatusCode}; WebSocket from {ForeignOrigin}: {(foreignSocket ? "connected" : $"refused, HTTP {(int)foreignStatus}")}");
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.OK), (foreign.StatusCode, own.StatusCode, noOrigin.StatusCode));
        Assert.False(foreignSocket);
        Assert.Equal(HttpStatusCode.Forbidden, foreignStatus);
    }

    [Fact]
    public async Task CookieFormPosts_WithoutAntiforgeryToken_Answer400_AndChangeNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        portal.StartOnKestrel();
        var owner = await portal.RegisterTenantAsync("Token Holders");
        await using var signedIn = await browser.Browser.NewContextAsync();
        var page = await signedIn.NewPageAsync();
        await page.SignInAsync(portal, owner.Email, owner.Password);

        // The browser context's own request client: it sends the sign-in cookie, as a forged cross-site form would.
        var logout = await PostFormAsync(signedIn.APIRequest, portal.Url("/account/logout"), new() { ["returnUrl"] = "/" });
        var switchTenant = await PostFormAsync(signedIn.APIRequest, portal.Url("/account/switch-tenant"),
            new() { ["tenantId"] = owner.TenantId.ToString(), ["returnUrl"] = "/" });
        await page.GotoInteractiveAsync(portal, "/create");
        await Assertions.Expect(page.Locator("#signed-in-as")).ToBeVisibleAsync();

        // Sign-in: the same correct credentials, without and then with the form's token.
        await using var anonymous = await browser.Browser.NewContextAsync();
        var loginPage = await anonymous.APIRequest.GetAsync(portal.Url("/account/login"));
        var token = AntiforgeryField().Match(await loginPage.TextAsync()).Groups["token"].Value;
        var credentials = new Dictionary<string, string> { ["_handler"] = "login", ["Input.Email"] = owner.Email, ["Input.Password"] = owner.Password };
        var loginWithoutToken = await PostFormAsync(anonymous.APIRequest, portal.Url("/account/login"), credentials);
        var sessionAfterForgery = await HasSignInCookieAsync(anonymous);
        var loginWithToken = await PostFormAsync(anonymous.APIRequest, portal.Url("/account/login"),
            new(credentials) { ["__RequestVerificationToken"] = token });
        var sessionAfterRealForm = await HasSignInCookieAsync(anonymous);

        output.WriteLine($"R22: POST without antiforgery token: /account/logout HTTP {logout.Status}, /account/switch-tenant HTTP {switchTenant.Status}, /account/login HTTP {loginWithoutToken.Status}; still signed in after the forged logout: yes; session from the forged sign-in: {(sessionAfterForgery ? "yes" : "no")}");
        output.WriteLine($"Control: the sign-in form with its token answers HTTP {loginWithToken.Status} and creates a session: {(sessionAfterRealForm ? "yes" : "no")}");
        Assert.Equal((400, 400, 400), (logout.Status, switchTenant.Status, loginWithoutToken.Status));
        Assert.False(sessionAfterForgery);
        Assert.NotEmpty(token);
        Assert.True(sessionAfterRealForm);
    }

    /// <summary>Opens a WebSocket with <paramref name="origin"/>; true when the server accepted it, else the handshake's status.</summary>
    private static async Task<(bool Connected, HttpStatusCode Status)> OpenWebSocketAsync(PortalWebFactory portal, string path, string origin)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", origin);
        socket.Options.CollectHttpResponseDetails = true;
        var uri = new UriBuilder(portal.Url(path)) { Scheme = "ws" }.Uri;
        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
        }
        catch (WebSocketException)
        {
            return (false, socket.HttpStatusCode);
        }

        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "test done", CancellationToken.None);
        return (socket.State is WebSocketState.Open or WebSocketState.CloseSent, socket.HttpStatusCode);
    }

    private static async Task<HttpStatusCode> NegotiateAsync(HttpClient http, string url, string? origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        using var response = await http.SendAsync(origin is null ? request : WithOrigin(request, origin));
        return response.StatusCode;
    }

    private static HttpRequestMessage WithOrigin(HttpRequestMessage request, string origin)
    {
        request.Headers.Add("Origin", origin.TrimEnd('/'));
        return request;
    }

    private static Task<IAPIResponse> PostFormAsync(IAPIRequestContext requests, string url, Dictionary<string, string> fields)
    {
        var form = requests.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }

        return requests.PostAsync(url, new() { Form = form, MaxRedirects = 0 });
    }

    private static async Task<bool> HasSignInCookieAsync(IBrowserContext context) =>
        (await context.CookiesAsync()).Any(c => c.Name == ".AspNetCore.Identity.Application");

    [GeneratedRegex("""name="__RequestVerificationToken" value="(?<token>[^"]+)""")]
    private static partial Regex AntiforgeryField();
}
