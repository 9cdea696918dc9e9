using System.Text.Json;
using SdPortal.Data;
using SdPortal.Tests.Support;
using SdPortal.Web.Generation;
using Xunit.Abstractions;

namespace SdPortal.Tests.Generation;

/// <summary>The fair dispatcher: a busy tenant does not starve a quiet one, and users of a tenant take turns.</summary>
public sealed class GenerationFairnessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task BusyTenant_DelaysAnotherTenantsSingleJobByAtMostAboutOneRun()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(workers: 1))
        {
            TestServices = TestEngines.Slow(TimeSpan.FromMilliseconds(60)),
        };
        var (_, busy) = await portal.RegisterAndLoginAsync("Busy");
        var (_, quiet) = await portal.RegisterAndLoginAsync("Quiet");
        // Warm up: the first job opens the model's sessions, which would count as queue time for the next one.
        await PortalWebFactory.WaitForStatusAsync(busy, await PortalWebFactory.SubmitAcceptedAsync(busy), "succeeded");
        var busyJobs = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            busyJobs.Add(await PortalWebFactory.SubmitAcceptedAsync(busy, PortalWebFactory.TinyRequest(("steps", 8))));
        }

        var quietJob = await PortalWebFactory.SubmitAcceptedAsync(quiet, PortalWebFactory.TinyRequest(("steps", 8)));
        var quietDone = await PortalWebFactory.WaitForStatusAsync(quiet, quietJob, "succeeded");
        var busyDone = new List<JsonElement>();
        foreach (var id in busyJobs)
        {
            busyDone.Add(await PortalWebFactory.WaitForStatusAsync(busy, id, "succeeded"));
        }

        static double Seconds(JsonElement job, string timing) => job.GetProperty("timings").GetProperty(timing).GetDouble();
        var run = busyDone.Average(j => Seconds(j, "runSeconds"));
        var quietWait = Seconds(quietDone, "queuedSeconds");
        var busyStartedBeforeQuiet = busyDone.Count(j => Seconds(j, "queuedSeconds") < quietWait);
        output.WriteLine($"Fairness: quiet tenant waited {quietWait:F2} s; one run takes {run:F2} s; busy jobs started before it {busyStartedBeforeQuiet} of 5");
        Assert.True(quietWait <= (1.5 * run) + 0.5, $"quiet tenant waited {quietWait:F2} s, one run is {run:F2} s");
        Assert.InRange(busyStartedBeforeQuiet, 0, 2);
    }

    [Fact]
    public void Plan_AlternatesTenantsAndUsers_AndHonoursEachTenantsLimit()
    {
        var (a, b, u1, u2, u3) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        QueuedJob Job(Guid tenant, Guid user, int second) => new(Guid.CreateVersion7(), tenant, user, t0.AddSeconds(second));
        List<QueuedJob> queued = [Job(a, u1, 0), Job(a, u1, 1), Job(a, u1, 2), Job(a, u2, 3), Job(b, u3, 4)];

        var (order, startNow) = FairOrder.Plan(queued, new Dictionary<Guid, int> { [a] = 1 }, new Dictionary<Guid, int> { [u1] = 1 },
            new Dictionary<Guid, int> { [a] = 2, [b] = 2 }, new Dictionary<Guid, long>(), free: 3);

        Assert.Equal([(b, u3), (a, u2), (a, u1), (a, u1), (a, u1)], order.Select(j => (j.TenantId, j.UserId)));
        Assert.Equal([(b, u3), (a, u2)], startNow.Select(j => (j.TenantId, j.UserId)));
    }

    [Fact]
    public void Plan_WithNothingInFlight_ServesTheTenantServedLeastRecently()
    {
        var (busy, quiet, u1, u2) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        List<QueuedJob> queued = [new(Guid.NewGuid(), busy, u1, t0), new(Guid.NewGuid(), quiet, u2, t0.AddSeconds(5))];
        var none = new Dictionary<Guid, int>();

        var (_, startNow) = FairOrder.Plan(queued, none, none, new Dictionary<Guid, int> { [busy] = 2, [quiet] = 2 },
            new Dictionary<Guid, long> { [busy] = 7, [u1] = 7 }, free: 1);

        Assert.Equal(quiet, Assert.Single(startNow).TenantId);
    }
}
