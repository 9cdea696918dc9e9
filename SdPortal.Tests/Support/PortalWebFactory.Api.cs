using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SdPortal.Tests.Support;

/// <summary>A registered tenant's owner, as the tests use it.</summary>
public sealed record RegisteredTenant(Guid UserId, Guid TenantId, string TenantSlug, string Email, string Password);

/// <summary>Intent methods that drive the REST API the way a client would.</summary>
public sealed partial class PortalWebFactory
{
    public const string DefaultPassword = "correct-horse-42";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public async Task<RegisteredTenant> RegisterTenantAsync(string tenantName, string? email = null, string password = DefaultPassword)
    {
        email ??= $"owner@{Slug(tenantName)}.test";
        using var client = CreateClient();
        var response = await client.PostAsJsonAsync(new Uri("/api/v1/auth/register", UriKind.Relative), new { email, password, tenantName }, Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
        return new RegisteredTenant(body.GetProperty("userId").GetGuid(), body.GetProperty("tenantId").GetGuid(),
            body.GetProperty("tenantSlug").GetString()!, email, password);
    }

    public async Task<HttpResponseMessage> TryLoginAsync(string email, string password)
    {
        using var client = CreateClient();
        return await client.PostAsJsonAsync(new Uri("/api/v1/auth/login", UriKind.Relative), new { email, password }, Json);
    }

    /// <summary>Logs in and returns a client that sends the access token.</summary>
    public async Task<HttpClient> LoginAsync(string email, string password = DefaultPassword)
    {
        var response = await TryLoginAsync(email, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
        Assert.True(body.GetProperty("expiresIn").GetInt64() > 0);
        return CreateBearerClient(body.GetProperty("accessToken").GetString()!);
    }

    public async Task<(RegisteredTenant Tenant, HttpClient Owner)> RegisterAndLoginAsync(string tenantName)
    {
        var tenant = await RegisterTenantAsync(tenantName);
        return (tenant, await LoginAsync(tenant.Email, tenant.Password));
    }

    public HttpClient CreateBearerClient(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Creates an API key as <paramref name="admin"/>; returns its id and the key (shown once).</summary>
    public static async Task<(Guid Id, string Key)> CreateApiKeyAsync(HttpClient admin, string name = "ci")
    {
        var response = await admin.PostAsJsonAsync(new Uri("/api/v1/api-keys", UriKind.Relative), new { name }, Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
        return (body.GetProperty("id").GetGuid(), body.GetProperty("key").GetString()!);
    }

    public static async Task<string> InviteAsync(HttpClient admin, string email, string role = "Member")
    {
        var response = await admin.PostAsJsonAsync(new Uri("/api/v1/tenant/invitations", UriKind.Relative), new { email, role }, Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("token").GetString()!;
    }

    public async Task<HttpResponseMessage> AcceptInvitationAsync(string token, string? password = DefaultPassword)
    {
        using var client = CreateClient();
        return await client.PostAsJsonAsync(new Uri("/api/v1/auth/accept-invitation", UriKind.Relative), new { token, password }, Json);
    }

    /// <summary>Joins <paramref name="email"/> to the admin's tenant with <paramref name="role"/> and logs them in.</summary>
    public async Task<(Guid UserId, HttpClient Client)> AddMemberAsync(HttpClient admin, string email, string role = "Member")
    {
        var accepted = await AcceptInvitationAsync(await InviteAsync(admin, email, role));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var userId = (await accepted.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("userId").GetGuid();
        return (userId, await LoginAsync(email));
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Json);
    }

    private static string Slug(string name) => new([.. name.ToLowerInvariant().Where(char.IsLetterOrDigit)]);
}
