using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Tests.Support;
using Xunit.Abstractions;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Api;

/// <summary>
/// An Idempotency-Key makes a retry safe; a key reused for a different request is a client bug that must be told, not
/// silently answered with the first request's result (nor, for an unusable key, silently replaced by a fresh one).
/// </summary>
public sealed class IdempotencyKeyReuseTests(ITestOutputHelper output)
{
    private const string OperatorEmail = "ops@keys.test";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Submit_ReplayedWithADifferentBody_Answers422NamingTheKey_AndChargesNothingMore(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Retriers");

        var first = await SubmitAsync(owner, "retry-7", PortalWebFactory.TinyRequest());
        var retry = await SubmitAsync(owner, "retry-7", PortalWebFactory.TinyRequest());
        var changed = await SubmitAsync(owner, "retry-7", PortalWebFactory.TinyRequest(("prompt", "a different picture")));
        var changedSeed = await SubmitAsync(owner, "retry-7", PortalWebFactory.TinyRequest(("seed", 99)));

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.Status, retry.Status));
        Assert.Equal(first.Body.GetProperty("id").GetGuid(), retry.Body.GetProperty("id").GetGuid());
        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity), (changed.Status, changedSeed.Status));
        Assert.Contains("'retry-7'", changed.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (jobs, reservations) = (await portal.JobCountAsync(tenant.TenantId), await portal.LedgerEntriesAsync(tenant.TenantId, CreditEntryKind.Reserve));
        output.WriteLine($"{provider}: same body → {(int)retry.Status}, other prompt → {(int)changed.Status}, other seed → {(int)changedSeed.Status}; jobs = {jobs}, reservations = {reservations}");
        Assert.Equal((1, 1), (jobs, reservations));
    }

    [Fact]
    public async Task OperatorCredits_RefuseAnUnusableKey_AndAKeyReusedForAnotherChange()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Portal:Operators:0"] = OperatorEmail });
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Granted");
        await portal.RegisterTenantAsync("Ops", OperatorEmail);
        using var ops = await portal.LoginAsync(OperatorEmail);
        var credits = U($"/api/v1/admin/tenants/{tenant.TenantId}/credits");
        var before = (await PortalWebFactory.GetJsonAsync(owner, "/api/v1/tenant")).GetProperty("credits").GetInt64();

        var tooLong = await GrantAsync(ops, credits, new string('k', 151), 50, "goodwill");
        var control = await GrantAsync(ops, credits, "ticket\u0001", 50, "goodwill");
        var longest = await GrantAsync(ops, credits, new string('k', 150), 50, "goodwill");
        var retried = await GrantAsync(ops, credits, new string('k', 150), 50, "goodwill");
        var otherAmount = await GrantAsync(ops, credits, new string('k', 150), 60, "goodwill");
        var otherReason = await GrantAsync(ops, credits, new string('k', 150), 50, "another reason");
        var otherKind = await GrantAsync(ops, credits, new string('k', 150), -50, "goodwill");

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (tooLong, control));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (longest, retried));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity), (otherAmount, otherReason, otherKind));
        var after = (await PortalWebFactory.GetJsonAsync(owner, "/api/v1/tenant")).GetProperty("credits").GetInt64();
        Assert.Equal(50, after - before);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SubmitAsync(HttpClient client, string key, Dictionary<string, object?> body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, U("/api/v1/generations")) { Content = JsonContent.Create(body, options: PortalWebFactory.Json) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(PortalWebFactory.Json));
    }

    private static async Task<HttpStatusCode> GrantAsync(HttpClient ops, Uri credits, string key, long amount, string reason)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, credits) { Content = JsonContent.Create(new { amount, reason }) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        using var response = await ops.SendAsync(request);
        return response.StatusCode;
    }
}
