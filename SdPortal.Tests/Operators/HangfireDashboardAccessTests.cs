using System.Net;
using SdPortal.Data;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Operators;

public sealed class HangfireDashboardAccessTests(ITestOutputHelper output)
{
    private const string OperatorEmail = "operator@example.test";

    [Fact]
    public async Task Dashboard_IsRefusedToAllButOperators_AlsoThroughAProxy()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Portal:Operators:0"] = OperatorEmail });
        var member = await portal.RegisterTenantAsync("Members Inc");
        var op = await portal.RegisterTenantAsync("Ops", OperatorEmail);
        using var anonymous = portal.CreateClient();
        using var memberClient = await portal.LoginAsync(member.Email);
        var (_, apiKey) = await PortalWebFactory.CreateApiKeyAsync(memberClient);
        using var memberKeyClient = portal.CreateBearerClient(apiKey);
        using var operatorClient = await portal.LoginAsync(op.Email);

        var anonymousStatus = await StatusAsync(anonymous, "/hangfire");
        // A same-host reverse proxy: the request arrives from loopback with the real client in X-Forwarded-For.
        var proxiedStatus = await StatusAsync(anonymous, "/hangfire", ("X-Forwarded-For", "203.0.113.9"));
        var memberStatus = await StatusAsync(memberClient, "/hangfire");
        var memberKeyStatus = await StatusAsync(memberKeyClient, "/hangfire");
        // An admin-only action: requeueing or deleting jobs is a POST to the dashboard's command routes.
        var memberAction = await StatusAsync(memberClient, "/hangfire/jobs/enqueued/delete", method: HttpMethod.Post);
        var operatorStatus = await StatusAsync(operatorClient, "/hangfire");

        output.WriteLine($"R18: anonymous={anonymousStatus} proxied={proxiedStatus} member={memberStatus} member-api-key={memberKeyStatus} member-action={memberAction} operator={operatorStatus}");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousStatus);
        Assert.Equal(HttpStatusCode.Unauthorized, proxiedStatus);
        Assert.Equal(HttpStatusCode.Forbidden, memberStatus);
        Assert.Equal(HttpStatusCode.Forbidden, memberKeyStatus);
        Assert.Equal(HttpStatusCode.Forbidden, memberAction);
        Assert.Equal(HttpStatusCode.OK, operatorStatus);
    }

    private static async Task<HttpStatusCode> StatusAsync(
        HttpClient client, string path, (string Name, string Value)? header = null, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (header is { } h)
        {
            request.Headers.Add(h.Name, h.Value);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
