using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data.Entities;

namespace SdPortal.Tests.Support;

/// <summary>A registered tenant's owner, as the tests use it.</summary>
public sealed record RegisteredTenant(Guid UserId, Guid TenantId, string TenantSlug, string Email, string Password);

/// <summary>Intent methods that drive the REST API the way a client would.</summary>
public sealed partial class PortalWebFactory
{
    public const string DefaultPassword = "correct-horse-42";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public const string ConfirmationSubject = "Confirm your email";

    /// <summary>Registers, then confirms the address through the link mailed to it (which brings the 100 sign-up credits).</summary>
    public async Task<RegisteredTenant> RegisterTenantAsync(string tenantName, string? email = null, string password = DefaultPassword)
    {
        email ??= $"owner@{Slug(tenantName)}.test";
        var response = await PostRegisterAsync(email, password, tenantName);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await ConfirmEmailAsync(email);
        var normalized = email.ToUpperInvariant();
        var (userId, tenantId, slug) = await WithContextAsync(null, db =>
            db.Users.Where(u => u.NormalizedEmail == normalized)
                .Join(db.Memberships.IgnoreQueryFilters(), u => u.Id, m => m.UserId, (u, m) => new { UserId = u.Id, m.TenantId, m.Role, m.CreatedAtUtc })
                .Where(m => m.Role == TenantRole.Owner)
                .Join(db.Tenants.IgnoreQueryFilters(), m => m.TenantId, t => t.Id, (m, t) => new { m.UserId, m.TenantId, t.Slug, m.CreatedAtUtc })
                .OrderBy(m => m.CreatedAtUtc)
                .Select(m => new ValueTuple<Guid, Guid, string>(m.UserId, m.TenantId, m.Slug))
                .FirstAsync());
        return new RegisteredTenant(userId, tenantId, slug, email, password);
    }

    /// <summary>Only the sign-up request (no confirmation): 202 for a new and for a taken address alike.</summary>
    public async Task<HttpResponseMessage> PostRegisterAsync(string email, string password, string tenantName)
    {
        using var client = CreateClient();
        return await client.PostAsJsonAsync(new Uri("/api/v1/auth/register", UriKind.Relative), new { email, password, tenantName }, Json);
    }

    /// <summary>Waits for the confirmation mail to <paramref name="email"/> and follows its link with the API's confirm route.</summary>
    public async Task<string> ConfirmEmailAsync(string email)
    {
        var link = (await Mail.WaitForAsync(email, ConfirmationSubject)).LinkTo("/account/confirm-email");
        using var client = CreateClient();
        var confirmed = await client.GetAsync(new Uri($"/api/v1/auth/confirm-email{new Uri(link).Query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
        return link;
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
