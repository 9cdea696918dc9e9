using System.Net;
using System.Net.Http.Json;
using SdPortal.Contracts.Jobs;
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
        var failWrong = await PostAsync(client, InternalJobApi.JobPath(tenant.TenantId, id, InternalJobApi.Fail), new ReasonBody("forged"), "nope-nope-nope-nope");
        var afterRefusals = Assert.Single(await portal.WithContextAsync(tenant.TenantId, db => Task.FromResult(db.GenerationJobs.ToList())));
        var right = await StartAsync(client, tenant.TenantId, id, token: Token);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized],
            new[] { missing.StatusCode, wrong.StatusCode, prefix.StatusCode, failWrong.StatusCode });
        Assert.Equal((GenerationJobStatus.Queued, 0), (afterRefusals.Status, afterRefusals.Attempts));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        var ticket = await right.Content.ReadFromJsonAsync<JobTicketBody>(PortalWebFactory.Json);
        Assert.Equal(("tiny-synthetic", 4), (ticket!.Model, ticket.ToTicket().Spec.Steps));
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

    /// <summary>
    /// The host's results travel in one body far above Kestrel's ceiling for other routes (1 MiB): over a real server, a
    /// 3 MiB <c>complete</c> is read to the end (and refused for a lease its sender does not hold), while a 3 MiB
    /// <c>progress</c> is refused 413 before it is read.
    /// </summary>
    [Fact]
    public async Task Complete_CarriesResultsAboveTheDefaultBodyLimit_WhileOtherRoutesKeepIt()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(more:
            [("Jobs:RunInferenceInProcess", "false"), ("Jobs:HostToken", Token)]));
        portal.UseKestrel(0);
        portal.StartServer();
        using var client = portal.CreateClient();
        var lease = $"internal/jobs/{Guid.NewGuid()}/{Guid.NewGuid()}/leases/{Guid.NewGuid()}";
        var png = new byte[3 * 1024 * 1024];

        using var complete = await PostAsync(client, $"{lease}/{InternalJobApi.Complete}",
            new CompleteBody([new ImageBody(png, 1, 64, 64)], 1, 1, 1, 1, 3, 4, "cpu"), Token);
        using var progress = await PostAsync(client, $"{lease}/{InternalJobApi.Progress}", new { pad = Convert.ToBase64String(png) }, Token, expectContinue: true);

        Assert.Equal(HttpStatusCode.OK, complete.StatusCode);
        Assert.False((await complete.Content.ReadFromJsonAsync<CompleteAnswer>(PortalWebFactory.Json))!.Accepted);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, progress.StatusCode);
    }

    private static Task<HttpResponseMessage> StartAsync(HttpClient client, Guid tenantId, Guid jobId, string? token) =>
        PostAsync(client, InternalJobApi.JobPath(tenantId, jobId, InternalJobApi.Start), new StartJobBody("test/1"), token);

    private static async Task<HttpResponseMessage> PostAsync<T>(HttpClient client, string path, T body, string? token, bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body, options: PortalWebFactory.Json) };
        // A body the server will refuse is offered first, as careful clients do, so the refusal is read, not a broken pipe.
        request.Headers.ExpectContinue = expectContinue;
        if (token is not null)
        {
            request.Headers.Add(InternalJobApi.TokenHeader, token);
        }

        return await client.SendAsync(request);
    }
}
