using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Tests.Support;
using SdPortal.Web.Operators;

namespace SdPortal.Tests.Generation;

/// <summary>
/// Two web nodes behind an imaginary load balancer (ADR-022): two portals on Kestrel, one PostgreSQL database, one
/// Redis server (this test's key prefix), neither running inference; <see cref="InferenceHostProcess"/>es report to
/// <see cref="B"/> only, so whatever <see cref="A"/> shows of their jobs came through the shared state.
/// </summary>
internal sealed class TwoWebNodes : IAsyncDisposable
{
    private readonly List<InferenceHostProcess> _hosts = [];

    private TwoWebNodes(TestDatabase database, PortalWebFactory a, PortalWebFactory b) => (Database, A, B) = (database, a, b);

    public TestDatabase Database { get; }

    /// <summary>The node the user's browser (circuit, API calls) talks to.</summary>
    public PortalWebFactory A { get; }

    /// <summary>The node the inference hosts report to (their <c>Jobs:PortalUrl</c>).</summary>
    public PortalWebFactory B { get; }

    public static async Task<TwoWebNodes> StartAsync(TestRedis redis)
    {
        var database = await TestDatabase.CreateAsync(SdPortal.Data.DatabaseProvider.PostgreSql);
        var settings = PortalWebFactory.GenerationSettings(more:
        [
            ("Jobs:RunInferenceInProcess", "false"),
            ("Jobs:HostToken", InferenceHostCluster.HostToken),
            ("Generation:LeaseSeconds", InferenceHostCluster.LeaseSeconds.ToString(CultureInfo.InvariantCulture)),
            ("Generation:RecoverySweepSeconds", InferenceHostCluster.RecoverySweepSeconds.ToString(CultureInfo.InvariantCulture)),
        ]);
        foreach (var (key, value) in redis.Settings)
        {
            settings[key] = value;
        }

        // One after the other: the first migrates the database, the second finds it current.
        var a = Start(new PortalWebFactory(database, settings));
        var b = Start(new PortalWebFactory(database, settings));
        return new TwoWebNodes(database, a, b);
    }

    /// <summary>Starts a host reporting to <see cref="B"/>, and waits until it has reported its workers.</summary>
    public async Task<InferenceHostProcess> StartHostOnBAsync(int workers)
    {
        var host = InferenceHostProcess.Start(Database, B.ClientOptions.BaseAddress, InferenceHostCluster.HostToken, workers, invisibilityTimeoutSeconds: 1800);
        _hosts.Add(host);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!(await PoolAsync(B)).Workers.Any(w => w.Report.WorkerName == host.WorkerName))
        {
            Assert.False(host.HasExited, $"The inference host exited:\n{host.Output}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"The host's first worker report did not reach node B:\n{host.Output}");
            await Task.Delay(100);
        }

        return host;
    }

    /// <summary>What the operator pool page shows on <paramref name="node"/>.</summary>
    public static async Task<PoolOverview> PoolAsync(PortalWebFactory node)
    {
        await using var scope = node.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PoolOverviewReader>().ReadAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        await A.DisposeAsync();
        await B.DisposeAsync();
        await Database.DisposeAsync();
    }

    private static PortalWebFactory Start(PortalWebFactory node)
    {
        node.UseKestrel(0);
        node.StartServer();
        return node;
    }
}
