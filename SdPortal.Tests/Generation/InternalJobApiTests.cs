using System.Net;
using System.Net.Http.Json;
using SdPortal.Data;
using SdPortal.Data.Generation;
using SdPortal.Inference.Jobs.Remote;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Generation;

/// <summary>The inference hosts' internal API answers only to the shared host token, and does not exist without one.</summary>
public sealed class InternalJobApiTests
{
    private const string Token = "the-right-host-token-42";

    [Fact]
    public async Task InternalRoutes_MissingOrWrongToken_Answer401AndChangeNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(more:
            [("Jobs:RunInferenceInProcess", "false"), ("Jobs:HostToken", Token)]));
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Guarded");
        var id = await PortalWebFactory.SubmitAcceptedAsync(owner);
        using var client = portal.CreateClient();

        var missing = await StartAsync(client, tenant.TenantId, id, token: null);
        var wrong = await StartAsync(client, tenant.TenantId, id, token: "the-wrong-host-token-42");
        var prefix = await StartAsync(client, tenant.TenantId, id, token: Token[..^1]);
        var failWrong = await PostAsync(client, InternalJobApi.JobPath(new(tenant.TenantId, id), InternalJobApi.Fail), new ReasonBody("forged"), "nope-nope-nope-nope");
        var afterRefusals = Assert.Single(await portal.WithContextAsync(tenant.TenantId, db => Task.FromResult(db.GenerationJobs.ToList())));
        var right = await StartAsync(client, tenant.TenantId, id, token: Token);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized],
            new[] { missing.StatusCode, wrong.StatusCode, prefix.StatusCode, failWrong.StatusCode });
        Assert.Equal((GenerationJobStatus.Queued, 0), (afterRefusals.Status, afterRefusals.Attempts));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        var ticket = await right.Content.ReadFromJsonAsync<JobTicketBody>(PortalWebFactory.Json);
        Assert.Equal(("tiny-synthetic", 4), (ticket!.Model, ticket.Steps));
    }

    [Fact]
    public async Task InternalRoutes_WithoutAConfiguredToken_Answer404()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(more: ("Jobs:RunInferenceInProcess", "false")));
        using var client = portal.CreateClient();

        var withToken = await StartAsync(client, Guid.NewGuid(), Guid.NewGuid(), Token);
        var withoutToken = await StartAsync(client, Guid.NewGuid(), Guid.NewGuid(), token: null);

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (withToken.StatusCode, withoutToken.StatusCode));
    }

    private static Task<HttpResponseMessage> StartAsync(HttpClient client, Guid tenantId, Guid jobId, string? token) =>
        PostAsync(client, InternalJobApi.JobPath(new(tenantId, jobId), InternalJobApi.Start), new StartJobBody("test/1"), token);

    private static async Task<HttpResponseMessage> PostAsync<T>(HttpClient client, string path, T body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body, options: PortalWebFactory.Json) };
        if (token is not null)
        {
            request.Headers.Add(InternalJobApi.TokenHeader, token);
        }

        return await client.SendAsync(request);
    }
}
